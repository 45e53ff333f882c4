/**
 * A small SOQL engine for the sandbox: `SELECT fields FROM Object [WHERE …] [ORDER BY …] [LIMIT n]` with AND, OR,
 * NOT, parentheses, = != < <= > >=, IN and NOT IN over string, datetime, date, number, boolean and null literals.
 * It is what the connector and jsforce send, and it answers what Salesforce answers for the rest:
 * `MALFORMED_QUERY` for what it cannot parse and `INVALID_FIELD` for a field the object does not have.
 */

export class SoqlError extends Error {
  constructor(
    readonly errorCode: "MALFORMED_QUERY" | "INVALID_FIELD" | "INVALID_TYPE",
    message: string,
  ) {
    super(message);
  }
}

type Literal = string | number | boolean | null | { at: number };
type Expr =
  | { op: "and" | "or"; left: Expr; right: Expr }
  | { op: "not"; expr: Expr }
  | { op: "cmp"; field: string; cmp: string; value: Literal }
  | { op: "in"; field: string; negate: boolean; values: Literal[] };

export interface SoqlQuery {
  fields: string[];
  object: string;
  where: Expr | undefined;
  orderBy: { field: string; desc: boolean }[];
  limit: number | undefined;
}

const TOKEN =
  /\s*(?:('(?:[^'\\]|\\.)*')|(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2}))|(\d{4}-\d{2}-\d{2})|(-?\d+(?:\.\d+)?)|(<=|>=|!=|<>|=|<|>|\(|\)|,)|([A-Za-z_][A-Za-z0-9_.]*))/y;

type Token = { kind: "string" | "datetime" | "date" | "number" | "punct" | "word"; text: string };

function tokenize(soql: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  let position = 0;
  while (position < soql.length) {
    if (/^\s*$/.test(soql.slice(position))) break;
    TOKEN.lastIndex = position;
    const match = TOKEN.exec(soql);
    if (match === null) throw new SoqlError("MALFORMED_QUERY", `unexpected token at position ${position}`);
    position = TOKEN.lastIndex;
    const [, str, datetime, date, num, punct, word] = match;
    if (str !== undefined) tokens.push({ kind: "string", text: str });
    else if (datetime !== undefined) tokens.push({ kind: "datetime", text: datetime });
    else if (date !== undefined) tokens.push({ kind: "date", text: date });
    else if (num !== undefined) tokens.push({ kind: "number", text: num });
    else if (punct !== undefined) tokens.push({ kind: "punct", text: punct });
    else if (word !== undefined) tokens.push({ kind: "word", text: word });
  }
  return tokens;
}

function unescape(quoted: string): string {
  return quoted.slice(1, -1).replace(/\\(.)/g, (_, ch: string) => (ch === "n" ? "\n" : ch === "r" ? "\r" : ch));
}

class Parser {
  #index = 0;
  constructor(readonly tokens: Token[]) {}

  peek(): Token | undefined {
    return this.tokens[this.#index];
  }

  next(): Token {
    const token = this.tokens[this.#index];
    if (token === undefined) throw new SoqlError("MALFORMED_QUERY", "unexpected end of query");
    this.#index += 1;
    return token;
  }

  keyword(word: string): boolean {
    const token = this.peek();
    if (token?.kind === "word" && token.text.toUpperCase() === word) {
      this.#index += 1;
      return true;
    }
    return false;
  }

  expectKeyword(word: string): void {
    if (!this.keyword(word)) throw new SoqlError("MALFORMED_QUERY", `expecting ${word}`);
  }

  punct(text: string): boolean {
    const token = this.peek();
    if (token?.kind === "punct" && token.text === text) {
      this.#index += 1;
      return true;
    }
    return false;
  }

  word(): string {
    const token = this.next();
    if (token.kind !== "word") throw new SoqlError("MALFORMED_QUERY", `unexpected token: '${token.text}'`);
    return token.text;
  }

  done(): boolean {
    return this.#index >= this.tokens.length;
  }
}

export function parseSoql(soql: string): SoqlQuery {
  const parser = new Parser(tokenize(soql));
  parser.expectKeyword("SELECT");
  const fields = [parser.word()];
  while (parser.punct(",")) fields.push(parser.word());
  parser.expectKeyword("FROM");
  const object = parser.word();
  const where = parser.keyword("WHERE") ? parseOr(parser) : undefined;
  const orderBy: SoqlQuery["orderBy"] = [];
  if (parser.keyword("ORDER")) {
    parser.expectKeyword("BY");
    do {
      const field = parser.word();
      const desc = parser.keyword("DESC");
      if (!desc) parser.keyword("ASC");
      orderBy.push({ field, desc });
    } while (parser.punct(","));
  }
  let limit: number | undefined;
  if (parser.keyword("LIMIT")) {
    const token = parser.next();
    limit = Number(token.text);
    if (token.kind !== "number" || !Number.isInteger(limit) || limit < 0) throw new SoqlError("MALFORMED_QUERY", "bad LIMIT");
  }
  if (!parser.done()) throw new SoqlError("MALFORMED_QUERY", `unexpected token: '${parser.peek()?.text ?? ""}'`);
  return { fields, object, where, orderBy, limit };
}

function parseOr(parser: Parser): Expr {
  let left = parseAnd(parser);
  while (parser.keyword("OR")) left = { op: "or", left, right: parseAnd(parser) };
  return left;
}

function parseAnd(parser: Parser): Expr {
  let left = parseUnary(parser);
  while (parser.keyword("AND")) left = { op: "and", left, right: parseUnary(parser) };
  return left;
}

function parseUnary(parser: Parser): Expr {
  if (parser.keyword("NOT")) return { op: "not", expr: parseUnary(parser) };
  if (parser.punct("(")) {
    const inner = parseOr(parser);
    if (!parser.punct(")")) throw new SoqlError("MALFORMED_QUERY", "expecting ')'");
    return inner;
  }
  const field = parser.word();
  const negate = parser.keyword("NOT");
  if (parser.keyword("IN")) {
    if (!parser.punct("(")) throw new SoqlError("MALFORMED_QUERY", "expecting '(' after IN");
    const values = [literal(parser.next())];
    while (parser.punct(",")) values.push(literal(parser.next()));
    if (!parser.punct(")")) throw new SoqlError("MALFORMED_QUERY", "expecting ')'");
    return { op: "in", field, negate, values };
  }
  if (negate) throw new SoqlError("MALFORMED_QUERY", "expecting IN after NOT");
  const cmp = parser.next();
  if (cmp.kind !== "punct" || !["=", "!=", "<>", "<", "<=", ">", ">="].includes(cmp.text)) {
    throw new SoqlError("MALFORMED_QUERY", `unexpected token: '${cmp.text}'`);
  }
  return { op: "cmp", field, cmp: cmp.text === "<>" ? "!=" : cmp.text, value: literal(parser.next()) };
}

function literal(token: Token): Literal {
  switch (token.kind) {
    case "string":
      return unescape(token.text);
    case "datetime":
      return { at: Date.parse(token.text.replace(/([+-]\d{2})(\d{2})$/, "$1:$2")) };
    case "date":
      return token.text;
    case "number":
      return Number(token.text);
    case "word": {
      const upper = token.text.toUpperCase();
      if (upper === "TRUE") return true;
      if (upper === "FALSE") return false;
      if (upper === "NULL") return null;
      throw new SoqlError("MALFORMED_QUERY", `unexpected token: '${token.text}'`);
    }
    case "punct":
      throw new SoqlError("MALFORMED_QUERY", `unexpected token: '${token.text}'`);
  }
}

/** Every field a query names, for checking them against the object. */
export function fieldsOf(query: SoqlQuery): string[] {
  const names = [...query.fields, ...query.orderBy.map((order) => order.field)];
  const walk = (expr: Expr | undefined): void => {
    if (expr === undefined) return;
    switch (expr.op) {
      case "and":
      case "or":
        walk(expr.left);
        walk(expr.right);
        return;
      case "not":
        walk(expr.expr);
        return;
      case "cmp":
      case "in":
        names.push(expr.field);
    }
  };
  walk(query.where);
  return names;
}

type Row = Readonly<Record<string, unknown>>;

/** Ids compare case-sensitively (ASCII, as Salesforce orders them); other text case-insensitively, as SOQL does. */
function comparable(field: string, value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "number" || typeof value === "boolean") return value;
  if (typeof value === "object" && "at" in value && typeof value.at === "number") return value.at;
  if (typeof value !== "string") return null;
  if (/^\d{4}-\d{2}-\d{2}T/.test(value)) {
    const ms = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, "$1:$2"));
    if (!Number.isNaN(ms)) return ms;
  }
  return field === "Id" || field.endsWith("Id") ? value : value.toLowerCase();
}

function compare(a: string | number | boolean | null, b: string | number | boolean | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** An IN list's values, comparable, built once per query: a lookup of 300 emails over 25,000 rows stays cheap. */
const IN_SETS = new WeakMap<Expr, Set<string | number | boolean | null>>();
function inSet(expr: Extract<Expr, { op: "in" }>): Set<string | number | boolean | null> {
  let set = IN_SETS.get(expr);
  if (set === undefined) {
    set = new Set(expr.values.map((value) => comparable(expr.field, value)));
    IN_SETS.set(expr, set);
  }
  return set;
}

export function matches(expr: Expr | undefined, row: Row): boolean {
  if (expr === undefined) return true;
  switch (expr.op) {
    case "and":
      return matches(expr.left, row) && matches(expr.right, row);
    case "or":
      return matches(expr.left, row) || matches(expr.right, row);
    case "not":
      return !matches(expr.expr, row);
    case "in": {
      const found = inSet(expr).has(comparable(expr.field, row[expr.field]));
      return expr.negate ? !found : found;
    }
    case "cmp": {
      const left = comparable(expr.field, row[expr.field]);
      const right = comparable(expr.field, expr.value);
      if (expr.cmp === "=") return compare(left, right) === 0;
      if (expr.cmp === "!=") return compare(left, right) !== 0;
      if (left === null || right === null) return false;
      const order = compare(left, right);
      return expr.cmp === "<" ? order < 0 : expr.cmp === "<=" ? order <= 0 : expr.cmp === ">" ? order > 0 : order >= 0;
    }
  }
}

export function sortRows<T extends Row>(rows: T[], orderBy: SoqlQuery["orderBy"]): T[] {
  if (orderBy.length === 0) return rows;
  // Keys computed once per row: a comparison must not parse dates (100,000 rows sort in a blink this way).
  const keyed = rows.map((row) => ({ row, keys: orderBy.map(({ field }) => comparable(field, row[field])) }));
  keyed.sort((a, b) => {
    for (let index = 0; index < orderBy.length; index += 1) {
      const order = compare(a.keys[index] ?? null, b.keys[index] ?? null);
      if (order !== 0) return orderBy[index]?.desc === true ? -order : order;
    }
    return 0;
  });
  return keyed.map((entry) => entry.row);
}
