import { DEMO_PASSWORD, DemoUser } from './users';

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    c =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[
        c
      ]!),
  );
}

/**
 * The provider's login form. It lists the demo users because the demo has no other place where a
 * newcomer would learn them; their password protects nothing but the demo.
 */
export function renderLoginPage(options: {
  uid: string;
  users: DemoUser[];
  username?: string;
  error?: string;
}): string {
  const users = options.users
    .map(
      u =>
        `<li><code>${escapeHtml(u.username)}</code> ${escapeHtml(
          u.displayName,
        )}</li>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Sign in to the Blue/Green demo</title>
<style>
  body { font-family: sans-serif; max-width: 24rem; margin: 4rem auto; }
  label, input, button { display: block; width: 100%; box-sizing: border-box; }
  input { margin: 0.25rem 0 1rem; padding: 0.5rem; }
  button { padding: 0.5rem; }
  [role=alert] { color: #b00020; }
</style>
</head>
<body>
<h1>Sign in to the Blue/Green demo</h1>
${options.error ? `<p role="alert">${escapeHtml(options.error)}</p>` : ''}
<form method="post" action="/interaction/${encodeURIComponent(
    options.uid,
  )}/login">
  <label for="username">Username</label>
  <input id="username" name="username" autocomplete="username" required autofocus value="${escapeHtml(
    options.username ?? '',
  )}">
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <button type="submit">Sign in</button>
</form>
<p>Demo users (password <code>${escapeHtml(DEMO_PASSWORD)}</code>):</p>
<ul>${users}</ul>
</body>
</html>
`;
}
