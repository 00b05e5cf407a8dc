/** Parsed form input, or the message telling the user how to write it. */
export type ParseResult =
  | { value: Record<string, string> | undefined; error?: undefined }
  | { value?: undefined; error: string };

/** Headers as the user types them: one `name: value` per line. */
export function parseHeaders(text: string): ParseResult {
  const headers: Record<string, string> = {};
  for (const line of text.split('\n').map(l => l.trim())) {
    if (!line) {
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!name) {
      return {
        error: `'${line}' is not a header: write one per line as name: value, e.g. x-canary: true`,
      };
    }
    headers[name.toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { value: Object.keys(headers).length ? headers : undefined };
}

/** Pod labels as a selector is written: `key=value`, comma-separated. */
export function parseLabels(text: string): ParseResult {
  const labels: Record<string, string> = {};
  for (const item of text.split(',').map(i => i.trim())) {
    if (!item) {
      continue;
    }
    const equals = item.indexOf('=');
    const key = equals > 0 ? item.slice(0, equals).trim() : '';
    if (!key) {
      return {
        error: `'${item}' is not a label: write key=value, comma-separated, e.g. version=blue`,
      };
    }
    labels[key] = item.slice(equals + 1).trim();
  }
  return { value: Object.keys(labels).length ? labels : undefined };
}
