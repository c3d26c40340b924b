import ArgumentParser
import ChapSecrets
import Foundation
import ISCSIChap

/// `chapctl iscsi …`: iSCSI CHAP checks from the same core as PPP's.
struct ISCSI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "iscsi",
        abstract: "Check an iSCSI target's CHAP set-up.",
        subcommands: [ISCSILogin.self]
    )
}

/// `chapctl iscsi login`: one login (SecurityNegotiation with CHAP, operational negotiation,
/// FullFeaturePhase), then a Logout, explained in an operator's words.
struct ISCSILogin: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Log into an iSCSI target with CHAP and say what happened.",
        discussion: """
            Exit status 0 only when every check passed: the target accepted our CHAP response, with \
            --mutual we verified the target's, the login reached FullFeaturePhase and the logout was \
            answered. 1 when a check failed, 3 when the target could not be reached. Secrets come \
            from files (first line) or a chap-secrets store (client = CHAP name, server = the \
            other side's name), never from the command line, and are never printed.
            """
    )

    @Option(help: "HOST[:PORT] (default port 3260); [IPv6]:PORT.")
    var portal: String

    @Option(help: "The target's IQN.")
    var target: String

    @Option(help: "Our initiator IQN.")
    var initiator: String = "iqn.2005-03.org.chapd:chapctl"

    @Option(help: "Our CHAP name (CHAP_N).")
    var user: String

    @Option(help: "File whose first line is our CHAP secret.")
    var secretFile: String?

    @Option(help: "chap-secrets file to take secrets from instead: (user, target IQN) for ours, (target user, user) for the target's.")
    var secrets: String?

    @Flag(help: "Mutual CHAP: challenge the target and verify its answer.")
    var mutual = false

    @Option(help: "The CHAP name the target must answer with (mutual).")
    var targetUser: String?

    @Option(help: "File whose first line is the target's CHAP secret (mutual).")
    var targetSecretFile: String?

    @Option(help: "CHAP algorithms to offer, in preference order: md5, sha1, sha256 (sha3-256 is refused: not in swift-crypto 3.12).")
    var algorithms: String = "md5"

    @Flag(help: "Accept secrets shorter than 12 octets (RFC 7143 advises at least 96 bits).")
    var allowShortSecrets = false

    @Option(help: "Seconds to wait for the target at each step.")
    var timeout: Int = 10

    @Flag(help: "One JSON object with the outcome.")
    var json = false

    func run() throws {
        let outcome = execute()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(outcome), as: UTF8.self))
        } else {
            for line in outcome.lines() { print(line) }
        }
        if outcome.ok { return }
        throw ExitCode(outcome.unreachable ? 3 : 1)
    }

    /// The outcome (JSON shape) of one run.
    struct Outcome: Encodable {
        var portal: String
        var target: String
        var initiator: String
        var user: String
        var algorithmsOffered: [String]
        var algorithm: String?
        var targetAcceptedUs: Bool?
        var mutual: Bool
        var weVerifiedTarget: Bool?
        var targetUser: String?
        var fullFeaturePhase = false
        var loggedOut = false
        var tsih: Int?
        var stage: String?
        var status: String?
        var failure: String?
        var warnings: [String] = []
        var ok = false
        var unreachable = false

        func lines() -> [String] {
            var out = ["iSCSI login to \(target) at \(portal) as \"\(user)\" (initiator \(initiator))"]
            for w in warnings { out.append("  warning: \(w)") }
            out.append("  algorithms offered: " + algorithmsOffered.joined(separator: ", "))
            if let algorithm { out.append("  algorithm chosen: \(algorithm)") }
            switch targetAcceptedUs {
            case true?: out.append("  target accepted us: yes")
            case false?: out.append("  target accepted us: NO" + (status.map { " (\($0))" } ?? ""))
            case nil: break
            }
            if mutual {
                switch weVerifiedTarget {
                case true?: out.append("  we verified the target: yes (\"\(targetUser ?? "?")\")")
                case false?: out.append("  we verified the target: NO")
                case nil: out.append("  we verified the target: not reached")
                }
            }
            if fullFeaturePhase {
                out.append("  login: FullFeaturePhase reached" + (tsih.map { String(format: " (TSIH 0x%04x)", $0) } ?? ""))
            }
            if loggedOut { out.append("  logout: done") }
            if let failure {
                out.append("FAILED" + (stage.map { " in \($0)" } ?? "") + ": " + failure)
            } else {
                out.append("OK: every check passed")
            }
            return out
        }
    }

    func execute() -> Outcome {
        let offered = algorithms.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
        var outcome = Outcome(portal: portal, target: target, initiator: initiator, user: user,
                              algorithmsOffered: offered, mutual: mutual, targetUser: targetUser)
        do {
            let configuration = try loginConfiguration(offered)
            outcome.algorithmsOffered = configuration.chap.algorithms.map(\.description)
            var machine = try ISCSILoginInitiator(configuration)
            outcome.warnings = machine.report.warnings
            let connection: BlockingTCPConnection
            do {
                connection = try BlockingTCPConnection(portal: portal, defaultPort: 3260, timeoutSeconds: timeout)
            } catch {
                outcome.unreachable = true
                outcome.failure = error.description
                return outcome
            }
            defer { connection.close() }
            do {
                try drive(&machine, connection)
                fill(&outcome, machine.report)
            } catch {
                fill(&outcome, machine.report)
                outcome.stage = machine.currentStage.description
                outcome.failure = "\(error)"
                outcome.ok = false
            }
        } catch let e as ISCSIChapFailure {
            outcome.failure = e.reason
        } catch let e as SetupFailure {
            outcome.failure = e.description
        } catch let e as ConnectionFailure {
            outcome.failure = e.description
        } catch {
            outcome.failure = "\(error)"
        }
        return outcome
    }

    private func fill(_ outcome: inout Outcome, _ report: ISCSILoginInitiator.Report) {
        outcome.algorithm = report.algorithm?.description
        outcome.targetAcceptedUs = report.targetAcceptedUs
        outcome.weVerifiedTarget = report.weVerifiedTarget
        if let name = report.targetCHAPName { outcome.targetUser = name }
        outcome.fullFeaturePhase = report.reachedFullFeaturePhase
        outcome.loggedOut = report.loggedOut
        outcome.tsih = report.tsih.map(Int.init)
        if let f = report.failure {
            outcome.stage = f.stage.description
            outcome.failure = f.message
            if let c = f.statusClass, let d = f.statusDetail {
                outcome.status = ISCSILoginStatus.describe(statusClass: c, statusDetail: d)
            }
        }
        outcome.ok = report.failure == nil && report.targetAcceptedUs == true && report.reachedFullFeaturePhase
            && report.loggedOut && (!mutual || report.weVerifiedTarget == true)
    }

    /// Runs the machine over the connection until it logs out or fails.
    private func drive(_ machine: inout ISCSILoginInitiator, _ connection: BlockingTCPConnection) throws {
        var random = SystemRandomNumberGenerator()
        var decoder = ISCSIPDUDecoder()
        try connection.send(machine.start().encoded())
        while true {
            let pdu: ISCSIPDU
            if let next = try decoder.next() {
                pdu = next
            } else {
                let bytes = try connection.receive()
                if bytes.isEmpty {
                    _ = machine.connectionClosed()
                    return
                }
                decoder.append(bytes)
                continue
            }
            switch machine.receive(pdu, random: &random) {
            case .send(let p): try connection.send(p.encoded())
            case .loggedIn: try connection.send(machine.logout().encoded())
            case .waiting: continue
            case .loggedOut, .failed: return
            }
        }
    }

    struct SetupFailure: Error, CustomStringConvertible { var description: String }

    private func loginConfiguration(_ offered: [String]) throws -> ISCSILoginInitiator.Configuration {
        var chosen: [ISCSIChapAlgorithm] = []
        for word in offered {
            guard let a = ISCSIChapAlgorithm(word: word) else {
                throw SetupFailure(description: "unknown CHAP algorithm \"\(word)\" (md5, sha1, sha256, sha3-256)")
            }
            if let why = a.unavailableReason { throw SetupFailure(description: why) }
            chosen.append(a)
        }
        let store = try secrets.map { path in
            do { return try ChapSecretsStore(path: path) } catch { throw SetupFailure(description: "cannot use secrets file: \(error)") }
        }
        let secret = try secret(file: secretFile, store: store, client: user, server: target, what: "--secret-file")
        var mutualConfig: ISCSIChapInitiator.Mutual?
        if mutual {
            guard targetSecretFile != nil || store != nil else {
                throw SetupFailure(description: "--mutual needs --target-secret-file (or --secrets)")
            }
            guard targetSecretFile != nil || targetUser != nil else {
                throw SetupFailure(description: "--mutual with --secrets needs --target-user to look the target's secret up")
            }
            let targetSecret = try self.secret(file: targetSecretFile, store: store, client: targetUser ?? "", server: user,
                                               what: "--target-secret-file")
            mutualConfig = ISCSIChapInitiator.Mutual(expectedTargetName: targetUser, targetSecret: targetSecret)
        }
        var random = SystemRandomNumberGenerator()
        let isid: [UInt8] = [0x80 | UInt8.random(in: 0...0x3f, using: &random)] + (0..<5).map { _ in UInt8.random(in: 0...255, using: &random) }
        return ISCSILoginInitiator.Configuration(
            initiatorName: initiator, targetName: target,
            chap: .init(name: user, secret: secret, algorithms: chosen, mutual: mutualConfig,
                        policy: ISCSISecretPolicy(allowShortSecrets: allowShortSecrets)),
            isid: isid, initiatorTaskTag: UInt32.random(in: 1...0xffff, using: &random))
    }

    private func secret(file: String?, store: ChapSecretsStore?, client: String, server: String, what: String) throws -> Secret {
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw SetupFailure(description: "cannot read \(what) \(file)")
            }
            return Secret(Response.firstLine(Array(data)))
        }
        guard let store else { throw SetupFailure(description: "\(what) or --secrets is required") }
        guard let match = store.lookup(client: Array(client.utf8), server: Array(server.utf8)) else {
            throw SetupFailure(description: "no secret for (\"\(client)\", \"\(server)\") in \(secrets ?? "")")
        }
        return match.secret
    }
}
