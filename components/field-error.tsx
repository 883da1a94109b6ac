/**
 * A field's error message, rendered only when there is one. The field points at `id` through
 * aria-describedby, so screen readers read the message with the field.
 */
export function FieldError({ id, message }: { id: string; message: string | null | undefined }) {
  if (!message) return null;
  return (
    <p id={id} className="field-error">
      {message}
    </p>
  );
}
