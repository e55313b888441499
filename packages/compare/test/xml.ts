// A small, strict XML reader for the tests: enough to prove that an SVG file is
// well-formed (every tag closed in order, attributes quoted and unique, only
// the five named entities and numeric ones) and to look inside it.
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const name = /^[A-Za-z_:][\w.:-]*/;

export function parseXml(source: string): XmlElement {
  let at = 0;
  const fail = (why: string): never => {
    const line = source.slice(0, at).split('\n').length;
    throw new Error(`not well-formed XML at line ${line}: ${why}`);
  };
  const decode = (text: string): string => {
    if (text.includes('<')) fail("a bare '<'");
    return text.replace(/&([^;]*);?/g, (whole, entity: string) => {
      if (!whole.endsWith(';')) fail(`an unterminated entity '${whole}'`);
      const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
      if (named[entity] !== undefined) return named[entity];
      const numeric = /^#(x[0-9a-fA-F]+|[0-9]+)$/.exec(entity);
      if (numeric) return String.fromCodePoint(Number(numeric[1]!.startsWith('x') ? `0${numeric[1]}` : numeric[1]));
      return fail(`an unknown entity '&${entity};'`);
    });
  };
  const skipMisc = (): void => {
    for (;;) {
      const rest = source.slice(at);
      const space = /^\s+/.exec(rest);
      if (space) at += space[0].length;
      else if (rest.startsWith('<?')) at = source.indexOf('?>', at) + 2 || fail('an unclosed <?');
      else if (rest.startsWith('<!--')) at = source.indexOf('-->', at) + 3 || fail('an unclosed comment');
      else return;
    }
  };

  const element = (): XmlElement => {
    if (source[at] !== '<') fail('expected a tag');
    at++;
    const tag = name.exec(source.slice(at))?.[0] ?? fail('expected a tag name');
    at += tag.length;
    const node: XmlElement = { name: tag, attributes: {}, children: [], text: '' };
    for (;;) {
      const rest = source.slice(at);
      const attribute = /^\s+([A-Za-z_:][\w.:-]*)\s*=\s*("([^"]*)"|'([^']*)')/.exec(rest);
      if (attribute) {
        if (attribute[1]! in node.attributes) fail(`attribute '${attribute[1]}' twice`);
        node.attributes[attribute[1]!] = decode(attribute[3] ?? attribute[4] ?? '');
        at += attribute[0].length;
        continue;
      }
      const close = /^\s*(\/?)>/.exec(rest) ?? fail(`a malformed <${tag}> tag`);
      at += close[0].length;
      if (close[1] === '/') return node;
      break;
    }
    for (;;) {
      const next = source.indexOf('<', at);
      if (next < 0) fail(`<${tag}> is never closed`);
      node.text += decode(source.slice(at, next));
      at = next;
      if (source.startsWith('</', at)) {
        const end = new RegExp(`^</${tag.replace(/[.:-]/g, '\\$&')}\\s*>`).exec(source.slice(at));
        if (!end) fail(`expected </${tag}>`);
        at += end![0].length;
        return node;
      }
      if (source.startsWith('<!--', at)) {
        at = source.indexOf('-->', at) + 3 || fail('an unclosed comment');
        continue;
      }
      node.children.push(element());
    }
  };

  skipMisc();
  const root = element();
  skipMisc();
  if (at !== source.length) fail('content after the root element');
  return root;
}

/** Every element under `root` (itself included), depth first. */
export function allElements(root: XmlElement): XmlElement[] {
  return [root, ...root.children.flatMap(allElements)];
}
