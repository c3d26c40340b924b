// Reads pppd-style options in pppd's order into ChapdOptions.
//
// Order (as pppd main.c): OPTIONSDIR/options if it exists, then the command line, then
// OPTIONSDIR/options.TTYNAME if a device was named and the file exists. `file FILE` and
// `call NAME` read their file at the point they appear. Later settings win, except that
// nothing in options.TTYNAME overrides an option given on the command line (pppd gives
// that file a lower priority than the command line), and it may not change the device.
// pppd's ~/.ppprc is not read: chapd is configured by the system, not per user.

import PPPWords

public enum OptionParser {
    /// `file`/`call` nesting limit; a file including itself is reported before this.
    public static let maxIncludeDepth = 16

    /// Parses `arguments` (argv without the program name).
    public static func parse(arguments: [String], context: OptionContext = .system) throws(OptionError) -> ChapdOptions {
        var run = ParseRun(context: context)
        return try run.parse(arguments)
    }

    /// Parses `chapd serve`'s arguments (argv after the word `serve`): OPTIONSDIR/options if it
    /// exists, then OPTIONSDIR/chapd.conf (the server's own file) if it exists, then the
    /// command line. The server words apply; a device word, `notty` and `pty` are refused
    /// (lines come from `line DEVICE`). No options.TTYNAME is read: see `parseServerLine`.
    public static func parseServer(arguments: [String], context: OptionContext = .system) throws(OptionError) -> ChapdOptions {
        var run = ParseRun(context: context, serverMode: true)
        return try run.parseServer(arguments, line: nil)
    }

    /// The options the links of one served `line` run with: as `parseServer`, then the line's
    /// device and speed, then OPTIONSDIR/options.TTYNAME with the usual rules (it does not
    /// override the command line, may not change the device, and may not hold server words).
    /// A speed given on the `line` word is not overridden by options.TTYNAME either.
    public static func parseServerLine(arguments: [String], context: OptionContext = .system,
                                       line: ServerOptions.Line) throws(OptionError) -> ChapdOptions {
        var run = ParseRun(context: context, serverMode: true)
        return try run.parseServer(arguments, line: line)
    }

    /// Convenience form: options directory, environment and file reader given directly.
    public static func parse(arguments: [String], optionsDirectory: String = "/etc/ppp",
                             environment: [String: String] = [:],
                             fileReader: @escaping @Sendable (String) -> FileReadResult) throws(OptionError) -> ChapdOptions {
        try parse(arguments: arguments,
                  context: OptionContext(optionsDirectory: optionsDirectory, environment: environment,
                                         readFile: fileReader))
    }

    /// Every accepted option: (word, argument placeholder, description), for `--help` and the README.
    public static var optionTable: [(word: String, argument: String, description: String)] { OptionTable.rows }

    /// pppd options chapd rejects with "chapd does not support", and why.
    public static var unsupportedOptionTable: [(word: String, reason: String)] {
        OptionTable.unsupported.map { ($0.word, $0.description) }
    }

    /// The `chapd serve` words only (also part of `optionTable`).
    public static var serverOptionTable: [(word: String, argument: String, description: String)] {
        OptionTable.server.map { ($0.word, $0.argument, $0.description) }
    }

    /// A pppd-style usage text listing the accepted options.
    public static func usage(program: String = "chapd") -> String {
        var lines = ["Usage: \(program) [ options ], where options are:",
                     "\t<device>\tCommunicate over the named device",
                     "\t<speed>\t\tSet the baud rate to <speed>",
                     "\t<loc>:<rem>\tSet the local and/or remote interface IP addresses (either may be omitted)"]
        for row in optionTable {
            let head = row.argument.isEmpty ? row.word : "\(row.word) \(row.argument)"
            let pad = head.count < 24 ? String(repeating: " ", count: 24 - head.count) : " "
            lines.append("\t\(head)\(pad)\(row.description)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// One parse: the options being built and where we are.
struct ParseRun {
    enum Phase { case systemFile, commandLine, ttyFile }

    let context: OptionContext
    /// `chapd serve`: server words allowed, the single-line words refused.
    let serverMode: Bool
    var options = ChapdOptions()
    var phase = Phase.systemFile
    /// Option groups set from the command line (options.TTYNAME may not override them).
    var commandLineGroups: Set<String> = []
    /// Files being read, outermost first (to catch a file including itself).
    var includeStack: [String] = []
    /// Where each `line` word came from, by device, for the served line's `<device>` source.
    var lineSources: [String: OptionSource] = [:]

    init(context: OptionContext, serverMode: Bool = false) {
        self.context = context
        self.serverMode = serverMode
    }

    mutating func parse(_ arguments: [String]) throws(OptionError) -> ChapdOptions {
        options.hostname = context.hostname()
        let dir = try Self.optionsDirectory(arguments: arguments, context: context)
        options.optionsDirectory = dir
        options.chapSecretsFile = Self.join(dir, "chap-secrets")

        phase = .systemFile
        try readFile(Self.join(dir, "options"), mustExist: false, from: .commandLine)

        phase = .commandLine
        try process(arguments.map { ($0, OptionSource.commandLine) })

        if let device = options.device, let name = Self.ttyOptionsName(device) {
            phase = .ttyFile
            try readFile(Self.join(dir, "options." + name), mustExist: false, from: .commandLine)
        }
        return options
    }

    mutating func parseServer(_ arguments: [String], line: ServerOptions.Line?) throws(OptionError) -> ChapdOptions {
        options.serverMode = true
        options.hostname = context.hostname()
        let dir = try Self.optionsDirectory(arguments: arguments, context: context)
        options.optionsDirectory = dir
        options.chapSecretsFile = Self.join(dir, "chap-secrets")

        phase = .systemFile
        try readFile(Self.join(dir, "options"), mustExist: false, from: .commandLine)
        try readFile(Self.join(dir, "chapd.conf"), mustExist: false, from: .commandLine)

        phase = .commandLine
        try process(arguments.map { ($0, OptionSource.commandLine) })

        guard let line else { return options }
        let source = lineSources[line.device] ?? .commandLine
        options.device = line.device
        options.sources["<device>"] = source
        if let speed = line.speed {
            options.speed = speed
            options.sources["<speed>"] = source
            // The line's own speed is as specific as a speed on pppd's command line.
            commandLineGroups.insert("<speed>")
        }
        if let name = Self.ttyOptionsName(line.device) {
            phase = .ttyFile
            try readFile(Self.join(dir, "options." + name), mustExist: false, from: .commandLine)
        }
        return options
    }

    // MARK: Options directory (pre-scan, so it applies before OPTIONSDIR/options is read)

    static func optionsDirectory(arguments: [String], context: OptionContext) throws(OptionError) -> String {
        var chosen: String? = nil
        var i = 0
        while i < arguments.count {
            let w = arguments[i]
            if w == "optionsdir" {
                guard i + 1 < arguments.count else {
                    throw OptionError(.tooFewParameters, "too few parameters for option 'optionsdir'", source: .commandLine)
                }
                guard !arguments[i + 1].isEmpty else {
                    throw OptionError(.invalidValue, "optionsdir value must not be empty", source: .commandLine)
                }
                chosen = arguments[i + 1]
                i += 2
            } else if let spec = OptionTable.byWord[w], spec.takesArgument {
                i += 2
            } else {
                i += 1
            }
        }
        if chosen == nil, let env = context.environment["CHAPD_OPTIONS_DIR"], !env.isEmpty { chosen = env }
        var dir = chosen ?? context.optionsDirectory
        while dir.count > 1 && dir.hasSuffix("/") { dir.removeLast() }
        return dir
    }

    static func join(_ dir: String, _ name: String) -> String {
        dir.hasSuffix("/") ? dir + name : dir + "/" + name
    }

    /// pppd's options_for_tty name: the part after "/dev/", slashes turned into dots;
    /// none for an empty name or the controlling tty.
    static func ttyOptionsName(_ device: String) -> String? {
        var name = Substring(device)
        var rest = Substring(device)
        while !rest.isEmpty {  // after the first "/dev/", as pppd's strstr
            if rest.hasPrefix("/dev/") { name = rest.dropFirst(5); break }
            rest = rest.dropFirst()
        }
        if name.isEmpty || name == "tty" { return nil }
        return String(name.map { $0 == "/" ? "." : $0 })
    }

    // MARK: Files

    mutating func readFile(_ path: String, mustExist: Bool, from source: OptionSource) throws(OptionError) {
        if includeStack.contains(path) {
            throw OptionError(.file, "options file \(path) includes itself", source: source)
        }
        if includeStack.count >= OptionParser.maxIncludeDepth {
            throw OptionError(.file, "options files nested more than \(OptionParser.maxIncludeDepth) deep at \(path)",
                              source: source)
        }
        let bytes: [UInt8]
        switch context.readFile(path) {
        case .contents(let b):
            bytes = b
        case .notFound:
            if !mustExist { return }
            throw OptionError(.file, "Can't open options file \(path): No such file or directory", source: source)
        case .failed(let reason):
            if !mustExist {
                options.warnings.append("Warning: can't open options file \(path): \(reason)")
                return
            }
            throw OptionError(.file, "Can't open options file \(path): \(reason)", source: source)
        }
        let parsed: (words: [OptionWord], warnings: [String])
        do {
            parsed = try OptionFileWords.words(in: bytes)
        } catch {
            switch error {
            case .wordTooLong(let line):
                throw OptionError(.file, "word too long (more than \(PPPWordReader.maximumWordLength) bytes)",
                                  source: .file(path: path, line: line))
            }
        }
        options.warnings += parsed.warnings.map { "\(path): \($0)" }
        includeStack.append(path)
        defer { includeStack.removeLast() }
        try process(parsed.words.map { ($0.text, OptionSource.file(path: path, line: $0.line)) })
    }

    // MARK: Words

    mutating func process(_ words: [(String, OptionSource)]) throws(OptionError) {
        var i = 0
        while i < words.count {
            let (word, source) = words[i]
            i += 1
            guard let spec = OptionTable.byWord[word] else {
                try wildcard(word, source: source)
                continue
            }
            try checkMode(spec, source: source)
            var argument: (String, OptionSource)? = nil
            if spec.takesArgument {
                guard i < words.count else {
                    if case .unsupported(let reason, _) = spec.action {
                        throw Self.unsupported(word, reason, source)
                    }
                    throw OptionError(.tooFewParameters, "too few parameters for option '\(word)'", source: source)
                }
                argument = words[i]
                i += 1
            }
            if case .serverLine = spec.action, let (device, deviceSource) = argument {
                var speed: (String, OptionSource)? = nil
                if i < words.count, OptionValues.isSpeed(words[i].0) {
                    speed = words[i]
                    i += 1
                }
                try serverLine(device: device, deviceSource: deviceSource, speed: speed, source: source)
                continue
            }
            try apply(spec, argument: argument, source: source)
        }
    }

    /// Server words only in server mode and not per line; the single-line words not in server mode.
    func checkMode(_ spec: OptionSpec, source: OptionSource) throws(OptionError) {
        if spec.serverOnly {
            guard serverMode else {
                throw OptionError(.invalidValue, "option '\(spec.word)' is only for chapd serve", source: source)
            }
            if phase == .ttyFile, case .file(let path, _) = source {
                throw OptionError(.invalidValue, "option '\(spec.word)' applies to the whole server and may not be used in \(path)",
                                  source: source)
            }
        } else if serverMode && (spec.word == "notty" || spec.word == "pty") {
            throw Self.notAServerLine(spec.word, source)
        }
    }

    static func notAServerLine(_ word: String, _ source: OptionSource) -> OptionError {
        OptionError(.invalidValue, "chapd serve takes its lines from 'line DEVICE', not '\(word)'", source: source)
    }

    /// `line DEVICE [SPEED]`: the device resolved as pppd's setdevname, each device once.
    mutating func serverLine(device word: String, deviceSource: OptionSource, speed: (String, OptionSource)?,
                             source: OptionSource) throws(OptionError) {
        guard let device = deviceName(word) else {
            throw OptionError(.invalidValue,
                              "line device '\(word)' is not a character device (give /dev/NAME or a name under /dev)",
                              source: deviceSource)
        }
        var lineSpeed: Int? = nil
        if let (text, speedSource) = speed {
            guard let value = Int(text), value <= Int(Int32.max) else {
                throw OptionError(.invalidValue, "invalid speed '\(text)' for line \(device)", source: speedSource)
            }
            lineSpeed = value
        }
        guard !options.server.lines.contains(where: { $0.device == device }) else {
            throw OptionError(.invalidValue, "line \(device) is given twice", source: deviceSource)
        }
        options.server.lines.append(ServerOptions.Line(device: device, speed: lineSpeed))
        lineSources[device] = source
        options.sources["line"] = source
    }

    static func unsupported(_ word: String, _ reason: String, _ source: OptionSource) -> OptionError {
        OptionError(.unsupported, "chapd does not support option '\(word)': \(reason)", source: source)
    }

    /// Should a setting in this phase be dropped because the command line set it?
    mutating func overridden(group: String) -> Bool {
        switch phase {
        case .commandLine: commandLineGroups.insert(group); return false
        case .ttyFile: return commandLineGroups.contains(group)
        case .systemFile: return false
        }
    }

    mutating func apply(_ spec: OptionSpec, argument: (String, OptionSource)?, source: OptionSource) throws(OptionError) {
        switch spec.action {
        case .unsupported(let reason, _):
            throw Self.unsupported(spec.word, reason, source)
        case .optionsDirectory:
            if source != .commandLine {
                throw OptionError(.invalidValue, "option 'optionsdir' is only allowed on the command line", source: source)
            }
            options.sources[spec.word] = source  // already applied by the pre-scan
        case .serverLine:
            return  // handled in process(), which may take a second word
        case .includeFile:
            guard let (path, _) = argument else { return }
            try readFile(path, mustExist: true, from: source)
        case .includePeer:
            guard let (name, argSource) = argument else { return }
            guard OptionValues.isValidCallName(name) else {
                throw OptionError(.invalidValue, "call option value may not contain .. or start with /", source: argSource)
            }
            try readFile(Self.join(options.optionsDirectory, "peers/" + name), mustExist: true, from: source)
        case .flag(let set):
            if overridden(group: spec.group) { return }
            set(&options)
            options.sources[spec.word] = source
        case .value(let set):
            guard let (value, argSource) = argument else { return }
            if overridden(group: spec.group) { return }
            do {
                try set(&options, value)
            } catch {
                throw OptionError(.invalidValue, error.message, source: argSource)
            }
            options.sources[spec.word] = source
        }
    }

    /// Words that are not option names: a speed, LOCAL:REMOTE, or the device.
    mutating func wildcard(_ word: String, source: OptionSource) throws(OptionError) {
        if OptionValues.isSpeed(word) {
            guard let speed = Int(word), speed <= Int(Int32.max) else {
                throw OptionError(.invalidValue, "invalid speed '\(word)'", source: source)
            }
            if overridden(group: "<speed>") { return }
            options.speed = speed
            options.sources["<speed>"] = source
            return
        }
        if word.contains(":") {
            let pair: (local: DottedQuad?, remote: DottedQuad?)
            do { pair = try OptionValues.addressPair(word) } catch {
                throw OptionError(.invalidValue, error.message, source: source)
            }
            if overridden(group: "<local:remote>") { return }
            if let l = pair.local { options.localAddress = l }
            if let r = pair.remote { options.remoteAddress = r }
            options.sources["<local:remote>"] = source
            return
        }
        if let device = deviceName(word) {
            if phase == .ttyFile, case .file(let path, _) = source {
                throw OptionError(.invalidValue, "the device name may not be changed in \(path)", source: source)
            }
            if serverMode { throw Self.notAServerLine(word, source) }
            options.device = device
            options.sources["<device>"] = source
            return
        }
        throw OptionError(.unrecognized, "unrecognized option '\(word)'", source: source)
    }

    /// pppd's setdevname: "/dev/..." always; another absolute path or a bare name that is
    /// (under /dev) a character device.
    func deviceName(_ word: String) -> String? {
        if word.hasPrefix("/dev/") && word.count > 5 { return word }
        if word.hasPrefix("/") { return context.isCharacterDevice(word) ? word : nil }
        if word.isEmpty || word.hasPrefix("-") || word.hasPrefix("+") { return nil }
        let path = "/dev/" + word
        return context.isCharacterDevice(path) ? path : nil
    }
}
