interface StoredCookie {
  value: string;
  path: string;
}

/**
 * What a browser does between sign-in redirects, for scripts and tests: it keeps each host's
 * cookies (the provider's interaction cookies, Backstage's nonce and refresh-token cookies) and
 * follows redirects itself, so every hop is a real request.
 */
export class UserAgent {
  private readonly cookies = new Map<string, Map<string, StoredCookie>>();

  /**
   * Requests `url`, following redirects until an answer that is not one, or until `stopAt` says a
   * redirect target is where the caller wants to take over.
   */
  async fetch(
    url: string,
    init: RequestInit = {},
    stopAt?: (location: URL) => boolean,
  ): Promise<{ response: Response; url: URL }> {
    let current = new URL(url);
    let request: RequestInit = init;
    for (let hops = 0; hops < 20; hops++) {
      const response = await fetch(current, {
        ...request,
        redirect: 'manual',
        headers: { ...request.headers, ...this.cookieHeader(current) },
      });
      this.store(current, response);
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) {
        return { response, url: current };
      }
      const next = new URL(location, current);
      if (stopAt?.(next)) {
        return { response, url: next };
      }
      await response.arrayBuffer();
      current = next;
      // Every redirect of a sign-in (302, 303) turns into a GET, as in a browser.
      request = {};
    }
    throw new Error(`too many redirects from ${url}`);
  }

  private store(url: URL, response: Response) {
    const jar = this.cookies.get(url.host) ?? new Map<string, StoredCookie>();
    this.cookies.set(url.host, jar);
    for (const header of response.headers.getSetCookie()) {
      const [pair, ...attributes] = header.split(';').map(s => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const attribute = (key: string) =>
        attributes
          .find(a => a.toLowerCase().startsWith(`${key}=`))
          ?.slice(key.length + 1);
      const expires = attribute('expires');
      const maxAge = attribute('max-age');
      const expired =
        value === '' ||
        (maxAge !== undefined && Number(maxAge) <= 0) ||
        (expires !== undefined && Date.parse(expires) <= Date.now());
      if (expired) {
        jar.delete(name);
      } else {
        jar.set(name, { value, path: attribute('path') ?? '/' });
      }
    }
  }

  private cookieHeader(url: URL): Record<string, string> {
    const jar = this.cookies.get(url.host);
    const pairs = [...(jar ?? [])]
      .filter(([, c]) => url.pathname.startsWith(c.path))
      .map(([name, c]) => `${name}=${c.value}`);
    return pairs.length ? { cookie: pairs.join('; ') } : {};
  }
}

/**
 * Fills in and submits the provider's login form (the page `loginPage` answered with), as a person
 * would, and follows where the provider sends the browser next.
 */
export async function submitLoginForm(
  agent: UserAgent,
  loginPage: { response: Response; url: URL },
  credentials: { username: string; password: string },
  stopAt?: (location: URL) => boolean,
): Promise<{ response: Response; url: URL }> {
  const html = await loginPage.response.text();
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  if (!action) {
    throw new Error(
      `${loginPage.url} is not the login form (status ${
        loginPage.response.status
      }): ${html.slice(0, 300)}`,
    );
  }
  return agent.fetch(
    new URL(action.replace(/&amp;/g, '&'), loginPage.url).toString(),
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(credentials).toString(),
    },
    stopAt,
  );
}
