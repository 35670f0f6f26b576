/** Which tenant may read which event in the global audit feed (projection audit_access_v1). */
export interface AuditEventAccessTable {
  tenant_id: string;
  position: string;
  event_id: string;
}

declare module '../../../persistence/src/schema' {
  interface Database {
    audit_event_access: AuditEventAccessTable;
  }
}
