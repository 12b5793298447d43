// Characters Django's iri_to_uri leaves alone: reserved, unreserved, and "%" (already-escaped sequences stay as they are).
const UNSAFE = /[^A-Za-z0-9\-._~/#%[\]=:;$&()+,!?*@']/gu;

/** Django's `iri_to_uri`: percent-encode what a URI may not contain (spaces, non-ASCII) and nothing else. */
export function iriToUri(iri: string): string {
  return iri.replace(UNSAFE, (c) => encodeURIComponent(c));
}
