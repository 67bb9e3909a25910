/** Plaintext protocols whose connections upgrade to TLS after a prelude (probe, clients, drivers). */
export type StartTlsProtocol = "postgres";
export const STARTTLS_PROTOCOLS: readonly StartTlsProtocol[] = ["postgres"];

export function isStartTlsProtocol(s: string): s is StartTlsProtocol {
  return (STARTTLS_PROTOCOLS as readonly string[]).includes(s);
}
