/** The credentials key every worker test uses (64 hex chars). */
export const TEST_KEY = "0f".repeat(32);
