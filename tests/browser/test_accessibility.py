"""Accessibility as a browser sees it: axe-core's WCAG 2 A/AA rules on every page in both
languages, a phone-width layout, keyboard focus, and text alternatives for images and charts.

axe-core is installed by `make browser` into .cache/node (pinned in the Makefile).
"""
import pytest

from lib.sections import LANGS, PAGES
from lib.sections import page as page_spec
from tests.browser.harness import ROOT, streamlit_server, wait_until_idle
from tests.browser.test_browser import save_full_screenshot, url_of

pytestmark = pytest.mark.browser
AXE = ROOT / ".cache" / "node" / "node_modules" / "axe-core" / "axe.min.js"
PHONE_SHOTS = ROOT / "tests" / "screenshots" / "phone"
PHONE = {"width": 390, "height": 844}
SLACK_PX = 4  # sub-pixel rounding and scrollbar gutters
SLOW_MS = 180_000  # pages can take long to paint while other tests share the two cores
MAX_TABS = 60

# Violations from Streamlit's own markup that the app cannot change: (axe rule, CSS selector the
# failing element matches, why). Keep this short; every entry hides a real finding.
STREAMLIT_MARKUP = (
    ("list", '[data-testid="stSidebarNavItems"]',
     "Streamlit's sidebar navigation puts a <div> per section (header + items) directly inside its "
     "<ul>; screen readers still announce the links, and the app has no hook into that markup."),
    ("listitem", '[data-testid="stSidebarNavItems"] li',
     "the same navigation markup: its <li> sit inside those <div>, not directly in the <ul>."),
    ("scrollable-region-focusable", '.stCode[tabindex="0"] > pre',
     "a wide code block scrolls sideways inside its <pre>; axe wants the <pre> itself focusable, but "
     "Streamlit's wrapper has tabindex=0 and Chromium focuses the <pre> scroller by keyboard too "
     "(the selector only matches when that focusable wrapper is there)."),
)

AXE_JS = """async (allowed) => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}, elementRef: true, resultTypes: ['violations']});
  const found = [];
  for (const v of result.violations) {
    for (const n of v.nodes) {
      const impact = n.impact || v.impact;
      if (impact !== 'serious' && impact !== 'critical') continue;
      if (allowed.some(([rule, selector]) => rule === v.id && n.element && n.element.matches(selector))) continue;
      const colours = [...n.any, ...n.all, ...n.none].map(c => c.data).filter(d => d && d.fgColor)
        .map(d => `${d.fgColor} on ${d.bgColor} = ${d.contrastRatio}:1, needs ${d.expectedContrastRatio}`);
      found.push(`${v.id} (${impact}) at ${n.target.join(' ')}` + (colours.length ? ` [${colours.join('; ')}]` : ''));
    }
  }
  return found;
}"""

# What every <img> and Plotly chart on the page offers a screen reader.
TEXT_ALTERNATIVES_JS = """() => ({
  images: [...document.querySelectorAll('img')].filter(img => !(img.getAttribute('alt') || '').trim())
    .map(img => img.src.slice(0, 80)),
  charts: [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
    .map(chart => (chart.getAttribute('aria-label') || '').trim()),
})"""

FOCUS_JS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  return {testid: (e.closest('[data-testid]') || e).getAttribute('data-testid'), role: e.getAttribute('role'),
          href: e.getAttribute('href'), text: (e.innerText || e.getAttribute('aria-label') || '').trim().slice(0, 40),
          ring: outline || (s.boxShadow !== 'none' && s.boxShadow !== '')};
}"""

NAV_LINK = "stSidebarNavLink"  # Streamlit 1.67 renders st.plotly_chart(alt=...) as role="figure" aria-label


@pytest.fixture(scope="module")
def server():
    if not AXE.is_file():
        pytest.fail(f"axe-core is missing at {AXE}: run `make browser`")
    with streamlit_server("Home.py") as url:
        yield url


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE)
    yield context.new_page()
    context.close()


def open_page(page, server, spec, lang) -> None:
    page.goto(url_of(server, spec, lang))
    wait_until_idle(page, SLOW_MS)
    # Charts and code blocks lay out after the script run ends, and elements fade in: axe once
    # measured a caption mid-fade (4.06:1 instead of 4.66:1), so let finite animations finish.
    page.wait_for_timeout(500)
    page.wait_for_function("""() => document.getAnimations().every(a => a.playState !== 'running'
        || a.effect.getTiming().iterations === Infinity)""", timeout=SLOW_MS)


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_passes_axe_wcag2_aa_with_text_alternatives(server, page, lang):
    problems, unnamed = [], []
    for spec in PAGES:
        open_page(page, server, spec, lang)
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(AXE_JS, [[rule, selector] for rule, selector, _ in STREAMLIT_MARKUP])
        problems += [f"{spec.id}-{lang}: {v}" for v in violations]
        alternatives = page.evaluate(TEXT_ALTERNATIVES_JS)
        problems += [f"{spec.id}-{lang}: <img> without alt: {src}" for src in alternatives["images"]]
        unnamed += [f"{spec.id}-{lang}: Plotly chart {i} has no accessible name (st.plotly_chart(alt=...))"
                    for i, name in enumerate(alternatives["charts"]) if not name]
    assert not problems, "\n".join(problems)
    assert not unnamed, "\n".join(unnamed)


@pytest.mark.parametrize("page_id", ["home", "tokenizers_lab"])
def test_the_dark_theme_passes_axe_too(browser, server, page_id):
    """A projector room may use the dark theme (the app follows the device's setting)."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, color_scheme="dark")
    page = context.new_page()
    for lang in LANGS:
        open_page(page, server, page_spec(page_id), lang)
        assert page.evaluate("() => getComputedStyle(document.querySelector('.stApp')).backgroundColor") \
            == "rgb(15, 23, 42)"  # the theme's dark background: the dark variant is really on
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(AXE_JS, [[rule, selector] for rule, selector, _ in STREAMLIT_MARKUP])
        assert not violations, "\n".join(violations)
    context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_fits_a_phone_screen(server, phone, lang):
    PHONE_SHOTS.mkdir(parents=True, exist_ok=True)
    overflowing = []
    for spec in PAGES:
        open_page(phone, server, spec, lang)
        widths = phone.evaluate("""() => ({
          document: document.documentElement.scrollWidth,
          main: document.querySelector('[data-testid="stMain"]').scrollWidth})""")
        if max(widths.values()) > PHONE["width"] + SLACK_PX:
            overflowing.append(f"{spec.id}-{lang}: {widths}")
        save_full_screenshot(phone, PHONE_SHOTS / f"{spec.id}-{lang}.png")
    assert not overflowing, "wider than a 390 px phone:\n" + "\n".join(overflowing)


def tab_through(page) -> list[dict]:
    """Press Tab from the top of the page like a keyboard user; what received focus, in order."""
    seen = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_JS)
        if focused:
            seen.append(focused)
    return seen


@pytest.mark.parametrize(("page_id", "lang"), [("home", "en"), ("tokenizers_lab", "vi")])
def test_keyboard_reaches_language_switch_navigation_and_tabs(server, page, page_id, lang):
    open_page(page, server, page_spec(page_id), lang)
    nav_links = page.locator(f'[data-testid="{NAV_LINK}"]').count()
    seen = tab_through(page)
    switch = [f for f in seen if f["testid"] == "stButtonGroup" and f["role"] == "radio"]
    links = {f["href"]: f for f in seen if f["testid"] == NAV_LINK}
    tabs = [f for f in seen if f["role"] == "tab"]
    assert switch, "the language switch never received focus"
    assert nav_links > 1 and len(links) == nav_links, f"{len(links)} of {nav_links} sidebar links received focus"
    assert tabs, "the page's tabs never received focus"
    # Tabs follow the ARIA pattern: one tab stop, the arrow keys move between tabs.
    if page_id == "home":  # its second tab is plain text, cheap to open
        page.get_by_role("tab").first.focus()
        page.keyboard.press("ArrowRight")
        assert page.evaluate(FOCUS_JS)["text"] == page.get_by_role("tab").nth(1).inner_text().strip()

    without_ring = [f for f in switch[:1] + tabs[:1] + list(links.values()) if not f["ring"]]
    assert not without_ring, f"focus is invisible on: {without_ring}"
