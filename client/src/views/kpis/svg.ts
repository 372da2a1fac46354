const SVG_NS = 'http://www.w3.org/2000/svg';

type SvgChild = SVGElement | string | null | false | SvgChild[];

/** An SVG element, as `h()` makes HTML ones: attributes as given, strings as text nodes. */
export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number | undefined> = {}, ...children: SvgChild[]): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined) element.setAttribute(name, String(value));
  }
  const add = (child: SvgChild): void => {
    if (child === null || child === false) return;
    if (Array.isArray(child)) child.forEach(add);
    else element.append(typeof child === 'string' ? document.createTextNode(child) : child);
  };
  children.forEach(add);
  return element;
}
