/**
 * Word lists for seeded test data. Companies are fictional, and every domain generated from them ends in
 * `.example` (reserved by RFC 2606), so sandbox data can never name a real mailbox or company.
 */

export const FIRST_NAMES = [
  "Ada", "Amara", "Ben", "Carmen", "Chen", "Chloe", "Dev", "Diego", "Elena", "Emeka",
  "Farah", "Felix", "Grace", "Hana", "Ines", "Ivan", "Jane", "John", "Kofi", "Leila",
  "Liam", "Maya", "Marco", "Nadia", "Noah", "Olga", "Omar", "Priya", "Quinn", "Rosa",
  "Sami", "Sofia", "Tariq", "Uma", "Victor", "Wei", "Xenia", "Yuki", "Zara", "Zoe",
] as const;

export const LAST_NAMES = [
  "Adeyemi", "Berg", "Bianchi", "Byrne", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad",
  "Iyer", "Jensen", "Kim", "Kowalski", "Lopez", "Moreno", "Nakamura", "Novak", "Okafor", "Olsen",
  "Patel", "Quist", "Rossi", "Sato", "Schmidt", "Silva", "Tanaka", "Usman", "Varga", "Wagner",
] as const;

export const COMPANY_STEMS = [
  "Acme", "Adatum", "Cyberdyne", "Contoso", "Fabrikam", "Globex", "Hooli", "Initech", "Litware", "Northwind",
  "Oscorp", "Proseware", "Soylent", "Stark", "Tailspin", "Tyrell", "Umbrella", "Vandelay", "Wayne", "Wonka",
] as const;

export const COMPANY_SUFFIXES = ["", "Labs", "Systems", "Analytics", "Logistics", "Health", "Capital", "Robotics", "Media", "Foods"] as const;

export const JOB_TITLES = [
  "Account Executive", "CTO", "Head of Marketing", "Head of Sales", "Marketing Operations Manager",
  "Revenue Operations Manager", "Sales Development Representative", "VP Engineering", "VP Sales", "CFO",
] as const;
