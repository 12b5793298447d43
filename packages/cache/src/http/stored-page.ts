import { HttpResponse } from '@manouche/core';

// A page is stored as one string, which the memory backend keeps as it is
// (no serialization per hit) and a hit only has to split:
//   <stored at, ms> <status> <t: text body | b: base64 body>\n
//   <name>: <value>\n …one line per header value…
//   \n
//   <body>
// Header values never hold a newline (core refuses CR/LF in them).

/** The page as a string, or undefined when it cannot be stored faithfully. */
export function pageToText(response: HttpResponse, storedAt: number): string | undefined {
  let head = '';
  for (const [name, value] of response.headers) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v.includes('\n')) return undefined;
      head += `${name}: ${v}\n`;
    }
  }
  const binary = typeof response.content !== 'string';
  const body = binary ? (response.content as Buffer).toString('base64') : (response.content as string);
  return `${storedAt} ${response.status} ${binary ? 'b' : 't'}\n${head}\n${body}`;
}

/** A fresh response from a stored page, with Age set; undefined for a malformed entry. */
export function pageFromText(text: string, now: number): HttpResponse | undefined {
  // indexOf and slice only: split() costs several times more on this path
  const metaEnd = text.indexOf('\n');
  const headEnd = text.indexOf('\n\n', metaEnd);
  const space1 = text.indexOf(' ');
  const space2 = text.indexOf(' ', space1 + 1);
  if (metaEnd === -1 || headEnd === -1 || space1 === -1 || space2 === -1 || space2 > metaEnd) return undefined;
  const headers: Record<string, string | string[]> = {};
  for (let line = metaEnd + 1; line < headEnd; ) {
    const end = text.indexOf('\n', line);
    const colon = text.indexOf(': ', line);
    const name = text.slice(line, colon);
    const value = text.slice(colon + 2, end);
    const seen = headers[name];
    headers[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
    line = end + 1;
  }
  const body = text.slice(headEnd + 2);
  const binary = text.charCodeAt(space2 + 1) === 98; // 'b'
  const response = new HttpResponse(binary ? Buffer.from(body, 'base64') : body, { status: Number(text.slice(space1 + 1, space2)), headers });
  response.headers.set('age', Math.max(0, Math.floor((now - Number(text.slice(0, space1))) / 1000)));
  return response;
}
