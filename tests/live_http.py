"""A signed-in member sending real HTTP requests to the live test server, for the limits' tests under parallel
requests: each request goes on a connection of its own, so twenty sent from a thread pool really arrive at
once, and none keeps a database session open after it."""

from __future__ import annotations

from dataclasses import dataclass

import requests

from forum.tests.page_parsing import input_value

TIMEOUT_SECONDS = 30


def tab(cookies: dict[str, str]) -> requests.Session:
    """One browser tab: its own connection (closed after each request), the given cookies, no proxies."""
    session = requests.Session()
    session.trust_env = False  # the live server on this machine only
    session.headers["Connection"] = "close"  # no idle keep-alive connection holds a database session open
    session.cookies.update(cookies)
    return session


@dataclass(frozen=True)
class LiveMember:
    base_url: str
    cookies: dict[str, str]  # the session and the CSRF cookie
    csrf_token: str

    def post(self, path: str, data: dict[str, str]) -> requests.Response:
        """A form sent from the page at `path`, with the page's CSRF token; redirects are not followed."""
        url = self.base_url + path
        with tab(self.cookies) as browser:
            return browser.post(
                url,
                data={**data, "csrfmiddlewaretoken": self.csrf_token},
                headers={"Referer": url},
                allow_redirects=False,
                timeout=TIMEOUT_SECONDS,
            )

    def follow(self, response: requests.Response) -> str:
        """The page a redirect sends the member to, with the message it carries (its cookie)."""
        assert response.status_code == 302, response.status_code
        with tab(self.cookies | response.cookies.get_dict()) as browser:
            return browser.get(self.base_url + response.headers["Location"], timeout=TIMEOUT_SECONDS).text


def live_member(client, live_server, member, settings, page_path: str) -> LiveMember:
    """Sign `member` in and open `page_path` on the live server, as a browser would before sending a form."""
    assert live_server.url.startswith(("http://localhost:", "http://127.0.0.1:"))
    client.force_login(member)
    cookies = {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}
    with tab(cookies) as browser:
        page = browser.get(live_server.url + page_path, timeout=TIMEOUT_SECONDS)
        assert page.status_code == 200, page.status_code
        cookies.update(browser.cookies.get_dict())
    token = input_value(page.text, "csrfmiddlewaretoken")
    assert token
    return LiveMember(live_server.url, cookies, token)
