// Prints a new random Fernet key for ENCRYPTION_KEY_CURRENT. Only the key goes to stdout, so it can
// be piped or redirected, and the advice goes to stderr. Nothing is written to disk or to the log.
import { generateKey } from "../lib/crypto/fernet";

process.stdout.write(`${generateKey()}\n`);
process.stderr.write(
  "Set ENCRYPTION_KEY_CURRENT to this key (in .env.local for development). When it replaces a key that " +
    "has encrypted data, put the old key first in ENCRYPTION_KEY_PREVIOUS until `npm run keys:rotate` has run.\n",
);
