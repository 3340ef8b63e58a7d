/**
 * BMC URLs never carry credentials: `https://admin:PW@10.0.0.17` would put the password into
 * every log line, error and inventory report that names the BMC. Such URLs are refused where
 * they enter (fleet file, CLI flag, client options), without echoing them.
 */

/** Why a BMC URL with user info is refused; callers prefix where it came from. */
export const USERINFO_REFUSED =
  'a user name or password in the URL is refused (it would show in logs and reports); ' +
  'give the user and a password source separately';

/** Scheme://user[:password]@ — matched on the raw text too, for strings URL cannot parse. */
const USERINFO = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*@/;

/** Whether a URL (or URL-like text) names a user or password before its host. */
export function hasUserinfo(raw: string): boolean {
  try {
    const url = new URL(raw);
    if (url.username !== '' || url.password !== '') return true;
  } catch {
    // Not a URL: fall through to the text check.
  }
  return USERINFO.test(raw);
}

/** The URL with any user info replaced by `***`, for messages about a refused URL. */
export function redactUrl(raw: string): string {
  return raw.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/?#]*@/, '$1***@');
}
