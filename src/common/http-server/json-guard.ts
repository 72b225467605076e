/** No API here takes JSON nested deeper than this; deeper input only serves to exhaust the stack. */
export const MAX_JSON_DEPTH = 32;

export class JsonRefusedError extends Error {}

/**
 * Scans raw JSON text before it is parsed and refuses (1) arrays/objects nested deeper than the limit, so
 * recursive code later (validation, transformation, cloning) never sees such input (brackets inside
 * strings don't count), and (2) NUL characters, raw or escaped, which no text column can store.
 */
export function assertAcceptableJson(raw: Buffer, limit = MAX_JSON_DEPTH): void {
  if (raw.includes(0) || raw.includes('\\u0000')) throw new JsonRefusedError('the request body contains a NUL character');
  let depth = 0;
  let inString = false;
  for (let index = 0; index < raw.length; index += 1) {
    const byte = raw[index];
    if (inString) {
      if (byte === 0x5c) index += 1; // backslash: skip the escaped character
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) {
      inString = true;
    } else if (byte === 0x7b || byte === 0x5b) {
      depth += 1;
      if (depth > limit) throw new JsonRefusedError(`the request body is nested more than ${limit} levels deep`);
    } else if (byte === 0x7d || byte === 0x5d) {
      depth -= 1;
    }
  }
}
