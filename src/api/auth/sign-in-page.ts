/** The console's sign-in page: a plain form (no script), every value HTML-escaped. */

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

/** Only a script-less page with inline styles, posting to itself, never framed. */
export const SIGN_IN_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export function signInPage(options: { error?: string; accessKeyId?: string } = {}): string {
  const error = options.error !== undefined ? `<p class="error" role="alert">${escapeHtml(options.error)}</p>` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · Stepwise</title>
<style>
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
  body { display: grid; place-items: center; min-height: 100vh; margin: 0; }
  form { display: grid; gap: 0.75rem; width: min(22rem, 90vw); padding: 2rem; border: 1px solid #8884; border-radius: 0.5rem; }
  h1 { margin: 0 0 0.5rem; font-size: 1.25rem; }
  label { display: grid; gap: 0.25rem; font-size: 0.9rem; }
  input { font: inherit; padding: 0.45rem 0.5rem; }
  button { font: inherit; padding: 0.5rem; cursor: pointer; }
  .error { color: #c0392b; margin: 0; }
  .hint { font-size: 0.8rem; opacity: 0.75; margin: 0; }
</style>
</head>
<body>
<main>
<form method="post" action="/console/sign-in" autocomplete="off">
  <h1>Sign in to Stepwise</h1>
  ${error}
  <label>Access key ID <input name="accessKeyId" required autofocus spellcheck="false" value="${escapeHtml(options.accessKeyId ?? '')}"></label>
  <label>Secret access key <input name="secretAccessKey" type="password" required></label>
  <button type="submit">Sign in</button>
  <p class="hint">One of the key pairs this server was started with (--credentials).</p>
</form>
</main>
</body>
</html>
`;
}
