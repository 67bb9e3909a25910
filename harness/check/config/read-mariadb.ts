import { dirname, join } from "node:path";
import { at, ConfigFiles, type ConfigLine, resolvePath } from "../../config/config-file.ts";
import { expandInclude } from "../../config/include.ts";
import type { RootEntry } from "../../roots/root-store.ts";
import type { CaSetup } from "../ca-setup.ts";
import { caFrom } from "./ca-from.ts";

interface Option extends ConfigLine {
  group: string;
  key: string;
  value: string;
}

/**
 * The option groups mariadbd reads (MariaDB "Configuring MariaDB with Option Files": [mysqld],
 * [server], [mariadb], [mariadbd], [client-server], each also with a version suffix such as
 * [mariadb-10.11]).
 */
const SERVER_GROUP = /^(mysqld|server|mariadb|mariadbd|client-server)(-\d+(\.\d+)*)?$/i;

/** Options are written with `-` or `_` alike (`ssl-ca` = `ssl_ca`); `!include` and `!includedir` (its *.cnf). */
function read(files: ConfigFiles, file: string, where: string, group: { name: string }, depth = 0): Option[] {
  const out: Option[] = [];
  files
    .read(file, where, depth)
    .split("\n")
    .forEach((raw, n) => {
      const text = raw.replace(/^\s*[#;].*$/, "").trim();
      if (!text) return;
      const line = { file, line: n + 1, text };
      const inc = /^!include(dir)?\s+(.+)$/.exec(text);
      if (inc) {
        const path = resolvePath(dirname(file), inc[2]!.trim());
        const found = inc[1]
          ? expandInclude(join(path, "*.cnf"), at(line), { optional: true })
          : expandInclude(path, at(line));
        for (const f of found) for (const o of read(files, f, at(line), group, depth + 1)) out.push(o);
        return;
      }
      const g = /^\[(.+)\]$/.exec(text);
      if (g) {
        group.name = g[1]!.trim();
        return;
      }
      const eq = text.indexOf("=");
      const key = (eq < 0 ? text : text.slice(0, eq)).trim().toLowerCase().replace(/-/g, "_");
      const value =
        eq < 0
          ? ""
          : text
              .slice(eq + 1)
              .trim()
              .replace(/^(["'])(.*)\1$/, "$2");
      out.push({ ...line, group: group.name, key, value });
    });
  return out;
}

/**
 * MariaDB (my.cnf): `ssl_ca` (and `ssl_capath`) in a server group is what it verifies client
 * certificates against, and it never advertises a name from them (vio/viosslfactories.c sets no
 * client CA list): the setup lists them as loaded, and the mariadb profile sends none.
 */
export function readMariadb(file: string): CaSetup {
  const options = read(new ConfigFiles(), file, file, { name: "" }).filter((o) => SERVER_GROUP.test(o.group));
  const last = (key: string) => options.filter((o) => o.key === key).at(-1);
  const from: string[] = [];
  const notes: string[] = [
    "MariaDB never advertises CA names: ssl_ca is only what it verifies client certificates against",
  ];
  const base = dirname(file);
  const loaded: RootEntry[] = [];
  const ca = last("ssl_ca");
  if (ca?.value) {
    from.push(`${at(ca)} ${ca.text}`);
    loaded.push(...caFrom(resolvePath(base, ca.value), at(ca)));
  }
  const capath = last("ssl_capath");
  if (capath?.value) {
    from.push(`${at(capath)} ${capath.text}`);
    loaded.push(...caFrom(resolvePath(base, capath.value), at(capath)));
  }
  if (!ca?.value && !capath?.value)
    notes.push("no ssl_ca or ssl_capath in a server group: client certificates cannot be verified");
  const transport = last("require_secure_transport");
  if (!transport || !/^(on|1|true)$/i.test(transport.value))
    notes.push("require_secure_transport is not ON: clients may connect without TLS");
  return {
    source: file,
    advertise: loaded,
    verifyOnly: [],
    caNames: "sent",
    server: "mariadb",
    from,
    notes,
  };
}
