import { describe, expect, it } from 'vitest';
import type { Json } from '../../../src/json.js';
import { compilePath, noResultsCause, PathSyntaxError } from '../../../src/query/jsonpath/index.js';
import type { EvalScope, Variables } from '../../../src/query/scope.js';
import { fakeRuntime } from '../intrinsics/corpus.js';

const books: Json = {
  store: {
    book: [
      { title: 'Sayings', price: 8.95, category: 'reference' },
      { title: 'Sword', price: 12.99, category: 'fiction', isbn: '0-553' },
      { title: 'Moby', price: 8.99, category: 'fiction', isbn: '0-395' },
    ],
    bicycle: { color: 'red', price: 19.95 },
  },
  'odd key': 1,
};

function scope(input: Json, variables: Record<string, Json> = {}, context: Json = {}): EvalScope {
  const lookup: Variables['lookup'] = (name) =>
    Object.prototype.hasOwnProperty.call(variables, name) ? variables[name] : undefined;
  return { input, context, variables: { lookup }, runtime: fakeRuntime };
}

const select = (path: string, input: Json = books): Json | undefined => compilePath(path).evaluate(scope(input));

describe('JSONPath selection', () => {
  it('$ selects the whole document without copying it', () => {
    expect(select('$')).toBe(books);
  });

  it('dot and bracket members select the same value', () => {
    expect(select('$.store.bicycle.color')).toBe('red');
    expect(select("$['store']['bicycle'][\"color\"]")).toBe('red');
    expect(select("$['odd key']")).toBe(1);
  });

  it('array indexes count from the end when negative', () => {
    expect(select('$.store.book[0].title')).toBe('Sayings');
    expect(select('$.store.book[-1].title')).toBe('Moby');
  });

  it('a definite path that misses selects nothing (undefined), not null', () => {
    expect(select('$.store.nothing')).toBeUndefined();
    expect(select('$.store.book[7]')).toBeUndefined();
    expect(select('$.store.bicycle.color.shade')).toBeUndefined();
    expect(select('$.a', { a: null })).toBeNull();
  });

  it('wildcards select every element or member value in order', () => {
    expect(select('$.store.book[*].title')).toEqual(['Sayings', 'Sword', 'Moby']);
    expect(select('$.store.bicycle.*')).toEqual(['red', 19.95]);
  });

  it('an indefinite path that matches nothing selects an empty array', () => {
    expect(select('$.items[*]', {})).toEqual([]);
    expect(select('$.item.items[1:5].itemValue', {})).toEqual([]);
    expect(select('$[*]', {})).toEqual([]);
  });

  it('slices take start, end and step like Python', () => {
    expect(select('$.store.book[1:].title')).toEqual(['Sword', 'Moby']);
    expect(select('$.store.book[:1].title')).toEqual(['Sayings']);
    expect(select('$.store.book[-2:].title')).toEqual(['Sword', 'Moby']);
    expect(select('$.store.book[::2].title')).toEqual(['Sayings', 'Moby']);
    expect(select('$.store.book[::-1].title')).toEqual(['Moby', 'Sword', 'Sayings']);
  });

  it('unions select several indexes or names', () => {
    expect(select('$.store.book[0,2].title')).toEqual(['Sayings', 'Moby']);
    expect(select("$.store.bicycle['color','price']")).toEqual(['red', 19.95]);
  });

  it('deep scan finds a member at every depth in document order', () => {
    expect(select('$..price')).toEqual([8.95, 12.99, 8.99, 19.95]);
    expect(select('$..book[0].title')).toEqual(['Sayings']);
  });

  it('filters compare members with numbers, strings, booleans and null', () => {
    expect(select('$.store.book[?(@.price < 9)].title')).toEqual(['Sayings', 'Moby']);
    expect(select("$.store.book[?(@.category == 'fiction')].title")).toEqual(['Sword', 'Moby']);
    expect(select('$.store.book[?(@.price >= 12.99)].title')).toEqual(['Sword']);
    expect(
      select('$.flags[?(@.on == true)].id', {
        flags: [
          { id: 1, on: true },
          { id: 2, on: false },
        ],
      }),
    ).toEqual([1]);
    expect(
      select('$.xs[?(@.v == null)].id', {
        xs: [
          { id: 1, v: null },
          { id: 2, v: 0 },
        ],
      }),
    ).toEqual([1]);
  });

  it('a filter on a lone path keeps the elements where it exists', () => {
    expect(select('$.store.book[?(@.isbn)].title')).toEqual(['Sword', 'Moby']);
  });

  it('filters combine with && and || and parentheses', () => {
    expect(select("$.store.book[?(@.price < 10 && @.category == 'fiction')].title")).toEqual(['Moby']);
    expect(select("$.store.book[?(@.price > 12 || @.category == 'reference')].title")).toEqual(['Sayings', 'Sword']);
    expect(select("$.store.book[?(!(@.category == 'fiction'))].title")).toEqual(['Sayings']);
  });

  it('filters compare only values of the same type', () => {
    expect(select("$.xs[?(@.v > '1')]", { xs: [{ v: 2 }] })).toEqual([]);
  });

  it('length() gives the size of an array', () => {
    expect(select('$.store.book.length()')).toBe(3);
    expect(compilePath('$.store.book.length()').indefinite).toBe(false);
  });

  it('$$ paths read the context object', () => {
    const path = compilePath('$$.Execution.Input.x');
    expect(path.root).toEqual({ kind: 'context' });
    expect(path.evaluate(scope({}, {}, { Execution: { Input: { x: 5 } } }))).toBe(5);
  });

  it('$name paths read a workflow variable', () => {
    const path = compilePath('$myVar.items[1]');
    expect(path.root).toEqual({ kind: 'variable', name: 'myVar' });
    expect(path.evaluate(scope({}, { myVar: { items: ['a', 'b'] } }))).toBe('b');
    expect(path.evaluate(scope({}))).toBeUndefined();
  });

  it('a backslash in a quoted name escapes only the quote or a backslash (as AWS resolved it)', () => {
    const key = 'Test\\""Name"';
    expect(select(`$['Test\\""Name"']`, { [key]: 'found' })).toBe('found');
    expect(select("$['it\\'s']", { "it's": 1 })).toBe(1);
  });

  it('reports whether a path may select several values', () => {
    expect(compilePath('$.a[0].b').indefinite).toBe(false);
    for (const path of ['$.a[*]', '$.a[1:]', '$.a[0,1]', '$..a', '$.a[?(@.b)]', '$.*']) {
      expect(compilePath(path).indefinite, path).toBe(true);
    }
  });

  it('rejects text that is not a JSONPath', () => {
    for (const bad of ['', 'a.b', '$.', '$[', '$[0', "$['a", '$.a b', '$.a[?(@.x ==)]', '$.a.foo()', '$[::0]']) {
      expect(() => compilePath(bad), bad).toThrow(PathSyntaxError);
    }
  });
});

describe('noResultsCause', () => {
  it("uses AWS's wording with Jayway's normalized path", () => {
    expect(noResultsCause(compilePath('$.NoSuchInputPath'))).toBe(
      "Invalid path '$.NoSuchInputPath' : No results for path: $['NoSuchInputPath']",
    );
    expect(noResultsCause(compilePath('$.a[0].b'))).toBe(
      "Invalid path '$.a[0].b' : No results for path: $['a'][0]['b']",
    );
  });
});

describe('JSONPath filter regexes run in linear time', () => {
  it('answers a pattern that backtracks exponentially, on 100 characters, with the right selection', () => {
    const input = { a: [`${'a'.repeat(100)}b`, 'aaaa'] };
    expect(select('$.a[?(@ =~ /^(a|aa)+$/)]', input)).toEqual(['aaaa']);
  });

  it('keeps the i flag', () => {
    expect(select('$.a[?(@ =~ /^AB/i)]', { a: ['abc', 'xab'] })).toEqual(['abc']);
  });

  it('refuses a backreference or lookahead as a path error that says why', () => {
    for (const path of ['$.a[?(@ =~ /(a)\\1/)]', '$.a[?(@ =~ /a(?=b)/)]']) {
      expect(() => compilePath(path)).toThrow(PathSyntaxError);
      expect(() => compilePath(path)).toThrow(/without backreferences or lookaround/);
    }
  });
});
