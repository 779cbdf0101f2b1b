import type { Locator, Page } from 'playwright-core';

/**
 * Accessibility basics checked in the page itself: every visible form control and button has an
 * accessible name (a <label>, aria-label, aria-labelledby, title, or a button's own text), so a
 * screen reader can say what it is. Returns a description of each control that has none.
 */
export async function unnamedControls(page: Page, within?: Locator): Promise<string[]> {
  const root = within ?? page.locator('body');
  return root.evaluate((element) => {
    type Node = {
      tagName: string;
      id: string;
      type?: string;
      labels?: ArrayLike<unknown> | null;
      textContent: string | null;
      getAttribute(name: string): string | null;
      getClientRects(): ArrayLike<unknown>;
      querySelectorAll(selector: string): ArrayLike<Node>;
      closest(selector: string): unknown;
      outerHTML: string;
    };
    const scope = element as unknown as Node;
    const documentRoot = (element as unknown as { ownerDocument: { getElementById(id: string): Node | null } }).ownerDocument;
    const controls = Array.from(scope.querySelectorAll('input, select, textarea, button, [role="combobox"], [role="checkbox"], [role="radio"], [role="switch"], [role="grid"]'));
    const problems: string[] = [];
    for (const control of controls) {
      if (control.type === 'hidden' || control.getClientRects().length === 0) continue;
      // antd's Select draws its own box: the searchable input inside is the control that carries the name.
      if (control.getAttribute('aria-hidden') === 'true' || control.closest('[aria-hidden="true"]')) continue;
      const labelledBy = (control.getAttribute('aria-labelledby') ?? '')
        .split(/\s+/)
        .filter(Boolean)
        .map((id) => documentRoot.getElementById(id)?.textContent ?? '')
        .join(' ')
        .trim();
      const labelText = Array.from((control.labels ?? []) as ArrayLike<{ textContent: string | null }>)
        .map((label) => label.textContent ?? '')
        .join(' ')
        .trim();
      // A button is named by its content: its text and the names of the images (icons) inside it.
      const ownText =
        control.tagName === 'BUTTON' || control.getAttribute('role') === 'checkbox'
          ? [(control.textContent ?? '').trim(), ...Array.from(control.querySelectorAll('[role="img"][aria-label]')).map((image) => image.getAttribute('aria-label') ?? '')].join(' ').trim()
          : '';
      const name = control.getAttribute('aria-label') || labelledBy || labelText || control.getAttribute('title') || ownText;
      if (!name) problems.push(control.outerHTML.slice(0, 160));
    }
    return problems;
  });
}
