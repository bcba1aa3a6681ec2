// Tags concern: the user's tags for every AWS resource. Pulumi.yaml has no map type (the CLI's
// project schema allows string, integer, boolean and array), so tags are "key=value" entries.
import { ConfigConcern } from "./schema";
import { configError } from "./validate";

/** Validated tag settings. */
export interface TagsSettings {
    /** Tags added to every AWS resource the program creates (and what its launch templates start). */
    tags: Record<string, string>;
}

/** At most this many user tags: AWS allows 50 per resource and the program sets up to 10 itself. */
export const MAX_USER_TAGS = 40;

/** Characters AWS accepts in tag keys and values across services (EC2 accepts more; IAM and ELB do not). */
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const ALLOWED_TEXT = "letters, digits, spaces and _ . : / = + - @";

/** Parses and validates "key=value" entries into a map, naming the first bad entry. */
export function parseTags(entries: readonly string[]): Record<string, string> {
    if (entries.length > MAX_USER_TAGS) {
        throw configError(
            "tags",
            `${entries.length} entries`,
            `must have at most ${MAX_USER_TAGS} entries (AWS allows 50 tags per resource; the program sets up to 10 itself)`,
        );
    }
    const tags: Record<string, string> = {};
    for (const entry of entries) {
        const eq = entry.indexOf("=");
        const key = eq < 0 ? "" : entry.slice(0, eq);
        const value = eq < 0 ? "" : entry.slice(eq + 1);
        if (eq < 1) throw configError("tags", entry, 'must be a "key=value" entry with a non-empty key');
        if ([...key].length > 128)
            throw configError("tags", entry, "has a key longer than 128 characters (AWS allows 1-128)");
        if (key.toLowerCase().startsWith("aws:"))
            throw configError("tags", entry, 'has a key starting with "aws:", which AWS reserves for itself');
        if ([...value].length > 256)
            throw configError("tags", entry, "has a value longer than 256 characters (AWS allows 0-256)");
        if (!TAG_TEXT.test(key) || !TAG_TEXT.test(value))
            throw configError("tags", entry, `may contain only ${ALLOWED_TEXT} in its key and value`);
        if (key in tags) throw configError("tags", entry, `repeats the key "${key}"`);
        tags[key] = value;
    }
    return tags;
}

/** The tags keys. */
export const tagsConfig: ConfigConcern<TagsSettings> = {
    keys: ["tags"],
    read(raw) {
        return { tags: parseTags(raw.tags) };
    },
};
