/** The part of vitest's JSON report (`--reporter=json`) the end-to-end test reads, checked as it is read. */
export interface VitestFileResult {
  /** Absolute path of the test file. */
  name: string;
  status: string;
}

export interface VitestReport {
  numFailedTests: number;
  testResults: VitestFileResult[];
}

export class VitestReportError extends Error {
  override name = "VitestReportError";
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function parseVitestReport(text: string): VitestReport {
  const value: unknown = JSON.parse(text);
  if (!isRecord(value)) throw new VitestReportError("the report is not a JSON object");
  const { numFailedTests, testResults } = value;
  if (typeof numFailedTests !== "number") throw new VitestReportError("the report has no numFailedTests");
  if (!Array.isArray(testResults)) throw new VitestReportError("the report has no testResults");
  return {
    numFailedTests,
    testResults: testResults.map((file: unknown, index) => {
      if (!isRecord(file) || typeof file["name"] !== "string" || typeof file["status"] !== "string") {
        throw new VitestReportError(`testResults[${index}] has no name or status`);
      }
      return { name: file["name"], status: file["status"] };
    }),
  };
}
