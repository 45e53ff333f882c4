import { assertDpaAccepted, type ConnectorConfig, type Credentials, type HealthCheckOptions, type SyncOptions } from "@gtm-clarity/core";
import { describe, expect, it } from "vitest";
import { checkDpaGate, ConformanceError } from "../src/index.js";
import { FakeConnector } from "./fake/connector.js";

/** A stand-in for a vendor: each call the connector makes counts as one request. */
class CountingSource {
  requests = 0;
}

/** The fake connector, DPA-gated: refuses first when `gateFirst`, else sends its request before checking. */
class GatedConnector extends FakeConnector {
  readonly requiresDpa: boolean = true;
  constructor(
    private readonly source: CountingSource,
    private readonly gateFirst: boolean,
  ) {
    super();
  }
  private gate(at: Date | null | undefined): void {
    if (!this.gateFirst) this.source.requests += 1;
    assertDpaAccepted("Gated", at);
  }
  override authenticate(config: ConnectorConfig) {
    this.gate(config.dpaAcceptedAt);
    return super.authenticate(config);
  }
  override sync(credentials: Credentials, cursor: string | null, options: SyncOptions = {}) {
    this.gate(options.dpaAcceptedAt);
    return super.sync(credentials, cursor, options);
  }
  override healthCheck(credentials: Credentials, options: HealthCheckOptions = {}) {
    this.gate(options.dpaAcceptedAt);
    return super.healthCheck(credentials);
  }
}

const failure = async (run: Promise<void>): Promise<string> => {
  const error: unknown = await run.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(ConformanceError);
  return String(error);
};

describe("checkDpaGate", () => {
  it("passes a connector that refuses every call before any request", async () => {
    const source = new CountingSource();
    await checkDpaGate(new GatedConnector(source, true), { credentials: { apiKey: "k" }, requests: () => source.requests });
    expect(source.requests).toBe(0);
  });

  it("fails a connector whose refusal comes after a request reached the vendor", async () => {
    const source = new CountingSource();
    const message = await failure(checkDpaGate(new GatedConnector(source, false), { credentials: { apiKey: "k" }, requests: () => source.requests }));
    expect(message).toMatch(/\[dpa-gate\] the sandbox received 3 request\(s\)/);
  });

  it("fails a connector that declares requiresDpa but goes ahead without an acceptance", async () => {
    const ungated = Object.assign(new FakeConnector(), { requiresDpa: true });
    const message = await failure(checkDpaGate(ungated, { credentials: { apiKey: "k" } }));
    expect(message).toMatch(/\[dpa-gate\] authenticate without the tenant's DPA (went ahead|threw ConfigError)/);
  });

  it("fails a connector that refuses for want of a DPA without declaring requiresDpa", async () => {
    const undeclared = new GatedConnector(new CountingSource(), true);
    Object.assign(undeclared, { requiresDpa: false });
    const message = await failure(checkDpaGate(undeclared, { credentials: { apiKey: "k" } }));
    expect(message).toMatch(/does not declare requiresDpa/);
  });
});
