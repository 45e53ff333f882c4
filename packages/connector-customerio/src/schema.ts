/**
 * Default field mappings, per kind: the flat views the transforms build (`transform/person.ts`,
 * `transform/message-event.ts`) are what `sourceField` paths read.
 */
import type { FieldMapping } from "@gtm-clarity/core";
import { activityMappings } from "./transform/message-event.js";
import { personMappings } from "./transform/person.js";

export const customerioFieldMappings: FieldMapping[] = [...personMappings, ...activityMappings];
