import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Repo root (this file is test/unit/roots/data.ts). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
/** The snapshots shipped in the repository (data/rootstores, docs/data.md). */
export const DATA = path.join(repoRoot, "data/rootstores");

export function snapshots(program: "microsoft" | "mozilla" | "curl" | "apple"): string[] {
  return readdirSync(path.join(DATA, program))
    .filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d))
    .sort();
}

export const dataPath = (...parts: string[]) => path.join(DATA, ...parts);

/** SOURCES.md, Microsoft table: CTL entries, serverAuth EKU, serverAuth & not disabled, disabled (prop104). */
export const MICROSOFT_COUNTS: Record<string, [number, number, number, number]> = {
  "2012-11-02": [353, 318, 318, 0],
  "2013-03-21": [353, 318, 318, 0],
  "2013-06-26": [377, 337, 337, 0],
  "2013-10-03": [389, 349, 349, 0],
  "2014-03-12": [389, 349, 349, 0],
  "2014-09-12": [411, 368, 368, 0],
  "2015-01-22": [417, 373, 373, 0],
  "2015-02-23": [334, 294, 294, 0],
  "2016-01-28": [343, 292, 292, 0],
  "2018-01-22": [371, 318, 291, 28],
  "2020-09-15": [417, 346, 262, 97],
  "2022-11-15": [447, 358, 242, 132],
  "2025-06-16": [514, 387, 242, 170],
};

/** SOURCES.md, Microsoft table: ThisUpdate and sequence number. */
export const MICROSOFT_HEADERS: Record<string, [string, string]> = {
  "2012-11-02": ["2012-11-02T21:24:06Z", "1401CDB94063BC4369"],
  "2013-03-21": ["2013-03-21T19:46:44Z", "1401CE266CD1370795"],
  "2013-06-26": ["2013-06-26T23:20:15Z", "1401CE72C3B7035D59"],
  "2013-10-03": ["2013-10-03T23:04:17Z", "1401CEC08CE320C06C"],
  "2014-03-12": ["2014-03-12T05:29:31Z", "1401CF3DB40B609892"],
  "2014-09-12": ["2014-09-12T18:02:51Z", "1401CFCEB3C4C42958"],
  "2015-01-22": ["2015-01-22T02:19:39Z", "1401D035E9E03F64E5"],
  "2015-02-23": ["2015-02-23T19:55:44Z", "1401D04FA2B5AFD36D"],
  "2016-01-28": ["2016-01-28T17:51:53Z", "1401D159F4929680B9"],
  "2018-01-22": ["2018-01-22T18:57:31Z", "1401D393B2DB1F576F"],
  "2020-09-15": ["2020-09-15T04:44:05Z", "1401D68B1AD7B6B7CB"],
  "2022-11-15": ["2022-11-15T22:21:26Z", "1401D8F9409A49C9FA"],
  "2025-06-16": ["2025-06-16T17:56:11Z", "1401DBDEE7F1A4F449"],
};

/** SOURCES.md, Mozilla table: certificates, trust objects, serverAuth TRUSTED_DELEGATOR. */
export const MOZILLA_COUNTS: Record<string, [number, number, number]> = {
  "2013-02-14": [177, 181, 144],
  "2013-05-28": [185, 189, 149],
  "2014-03-14": [189, 198, 153],
  "2015-03-17": [203, 212, 155],
  "2016-01-29": [195, 204, 151],
  "2018-01-18": [153, 160, 133],
  "2020-09-18": [150, 154, 138],
  "2022-11-10": [164, 164, 143],
  "2025-06-19": [176, 176, 142],
  "2026-04-16": [167, 167, 121],
};

/** SOURCES.md, curl table: certificates. */
export const CURL_COUNTS: Record<string, number> = {
  "2014-04-22": 153,
  "2016-01-22": 151,
  "2018-01-20": 138,
  "2020-10-15": 138,
  "2022-10-21": 142,
  "2025-07-15": 143,
  "2026-02-11": 145,
};

/** SOURCES.md, Apple table: root files = unique certs. */
export const APPLE_COUNTS: Record<string, number> = {
  "2013-07-03": 184,
  "2014-08-25": 223,
  "2016-06-02": 166,
  "2020-08-28": 165,
  "2022-07-07": 166,
  "2025-07-20": 156,
};
