/** The path of a request URL, without its query (still percent-encoded, as sent). */
export function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}
