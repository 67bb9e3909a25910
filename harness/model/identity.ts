/** The user's client identity: their certificate, key and issuing CA (PEM), or a PKCS#12 file. */
export type IdentitySpec =
  | {
      /** Client certificate (PEM). */
      cert: string;
      /** Its private key (PEM, unencrypted). Read, never copied into outputs. */
      key: string;
      /** The CA that issued `cert` (PEM): placed into growing lists at `roots.clientIssuer`. */
      issuer: string;
      /** Intermediate CAs between `cert` and `issuer` (PEM bundle), sent with the certificate. */
      chain?: string;
    }
  | {
      /** PKCS#12 file with the client certificate and key (and possibly its chain). */
      pkcs12: string;
      /** Environment variable holding the PKCS#12 password (never the password itself). */
      passwordEnv?: string;
      issuer: string;
      chain?: string;
    };
