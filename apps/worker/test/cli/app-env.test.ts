/** How the app reads the environment's database switches (the rest of `openApp` runs in every CLI test). */
import { describe, expect, it } from "vitest";
import { preparedStatementsFrom } from "../../src/app.js";

describe("DATABASE_PREPARED_STATEMENTS", () => {
  it("is on unless set to 0, false or off", () => {
    expect(preparedStatementsFrom({})).toBe(true);
    expect(preparedStatementsFrom({ DATABASE_PREPARED_STATEMENTS: "1" })).toBe(true);
    expect(preparedStatementsFrom({ DATABASE_PREPARED_STATEMENTS: "" })).toBe(true);
    for (const off of ["0", "false", "OFF", " off "]) expect(preparedStatementsFrom({ DATABASE_PREPARED_STATEMENTS: off })).toBe(false);
  });
});
