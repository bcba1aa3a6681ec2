// Finds where a JSON text stops being valid. JSON.parse only sometimes says where (Node 20 gives a
// character position for some errors and a quoted excerpt for others); users need a line and
// column in every case, so on a parse failure this small scanner walks the text once more.

/** Offset of the first syntax error in `text`, or the text length if it ends too early. */
export function jsonErrorOffset(text: string): number {
    let i = 0;
    const ws = () => {
        while (i < text.length && " \t\n\r".includes(text[i])) i++;
    };
    const fail = (): never => {
        throw i;
    };
    const literal = (word: string) => {
        if (text.startsWith(word, i)) i += word.length;
        else fail();
    };
    const string = () => {
        if (text[i] !== '"') fail();
        i++;
        while (i < text.length && text[i] !== '"') {
            if (text.charCodeAt(i) < 0x20) fail();
            if (text[i] === "\\") {
                i++;
                if (text[i] === "u") {
                    if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
                    i += 4;
                } else if (!'"\\/bfnrt'.includes(text[i] ?? "x")) fail();
            }
            i++;
        }
        if (i >= text.length) fail();
        i++;
    };
    const number = () => {
        const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
        if (!m) fail();
        i += m![0].length;
    };
    const value = (): void => {
        ws();
        const c = text[i];
        if (c === "{") {
            i++;
            ws();
            if (text[i] === "}") {
                i++;
                return;
            }
            for (;;) {
                ws();
                string();
                ws();
                if (text[i] !== ":") fail();
                i++;
                value();
                ws();
                if (text[i] === ",") i++;
                else if (text[i] === "}") {
                    i++;
                    return;
                } else fail();
            }
        } else if (c === "[") {
            i++;
            ws();
            if (text[i] === "]") {
                i++;
                return;
            }
            for (;;) {
                value();
                ws();
                if (text[i] === ",") i++;
                else if (text[i] === "]") {
                    i++;
                    return;
                } else fail();
            }
        } else if (c === '"') string();
        else if (c === "t") literal("true");
        else if (c === "f") literal("false");
        else if (c === "n") literal("null");
        else number();
    };
    try {
        if (text.charCodeAt(0) === 0xfeff) i = 1;
        value();
        ws();
        if (i < text.length) fail();
        return text.length;
    } catch (offset) {
        if (typeof offset === "number") return offset;
        throw offset;
    }
}
