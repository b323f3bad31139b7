/** Where access log lines go, in code: a function given each JSON line (without its newline). */
export type AccessLogSink = (line: string) => void
