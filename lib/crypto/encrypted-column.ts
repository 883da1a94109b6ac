import { customType } from "drizzle-orm/pg-core";
import type { EncryptedText } from "./keyring";

/**
 * A text column that stores Fernet tokens. Its TypeScript type is EncryptedText, so only a value
 * from `Keyring.encrypt` or `Keyring.rotate` can be written to it, and a value read from it must go
 * through the keyring before anyone can use it as text. Usage: `encryptedText("encrypted_description")`.
 */
export const encryptedText = customType<{ data: EncryptedText; driverData: string }>({
  dataType() {
    return "text";
  },
  toDriver(value) {
    return value as unknown as string;
  },
  fromDriver(value) {
    return value as unknown as EncryptedText;
  },
});
