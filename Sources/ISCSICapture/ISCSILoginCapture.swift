import ChapSecrets
import ISCSIChap
import PPPCapture
import PPPCore

/// Which way a PDU went.
public enum ISCSIDirection: String, Hashable, Sendable {
    case initiatorToTarget = "I->T"
    case targetToInitiator = "T->I"
}

/// One PDU read back from a capture.
public struct CapturedPDU: Hashable, Sendable {
    public var connection: Int
    /// The frame whose segment completed the PDU.
    public var frameNumber: Int
    public var timestamp: CaptureTimestamp
    public var direction: ISCSIDirection
    public var opcode: UInt8
    /// Set for Login Requests/Responses whose keys decoded.
    public var login: ISCSILoginPDU?
    /// Why a login PDU's text keys could not be read.
    public var problem: String?

    public var opcodeName: String {
        switch ISCSIPDU.Opcode(rawValue: opcode) {
        case .loginRequest?: return "Login Request"
        case .loginResponse?: return "Login Response"
        case .logoutRequest?: return "Logout Request"
        case .logoutResponse?: return "Logout Response"
        case .textRequest?: return "Text Request"
        case .textResponse?: return "Text Response"
        case .scsiCommand?: return "SCSI Command"
        case .scsiResponse?: return "SCSI Response"
        case .dataIn?: return "Data-In"
        case .dataOut?: return "Data-Out"
        case .nopOut?: return "NOP-Out"
        case .nopIn?: return "NOP-In"
        case .reject?: return "Reject"
        case .some(let o): return "\(o)"
        case nil: return "opcode 0x\(String(opcode, radix: 16))"
        }
    }
}

public struct CapturedConnection: Hashable, Sendable {
    public var number: Int
    public var initiator: TCPEndpoint
    public var target: TCPEndpoint
}

/// One CHAP challenge/response seen in a login.
public struct CapturedCHAPExchange: Hashable, Sendable {
    public enum Who: String, Hashable, Sendable {
        /// The target challenged the initiator (every CHAP login).
        case targetChallengedInitiator = "target challenged initiator"
        /// The initiator challenged the target (mutual CHAP).
        case initiatorChallengedTarget = "initiator challenged target"
    }
    public var connection: Int
    public var who: Who
    public var algorithm: ISCSIChapAlgorithm?
    public var algorithmNumber: String?
    public var identifier: UInt8?
    public var challenge: [UInt8]?
    /// The name in CHAP_N and the response value.
    public var responderName: String?
    public var response: [UInt8]?
    /// The name of the challenger: the TargetName (or the initiator's CHAP_N for mutual).
    public var challengerName: String?
    public var challengeFrame: Int?
    public var responseFrame: Int?
    /// The target's verdict on the initiator (its next Login Response's status), if seen.
    public var outcome: String?
    public var problem: String?
}

/// The iSCSI side of a capture: connections on the iSCSI port, their PDUs, the CHAP exchanges.
public struct ISCSICaptureAnalysis: Hashable, Sendable {
    public var linkType: Int32
    public var linkTypeName: String
    public var port: UInt16
    public var connections: [CapturedConnection] = []
    public var pdus: [CapturedPDU] = []
    public var exchanges: [CapturedCHAPExchange] = []
    /// Records on the port that could not be used, and streams that broke.
    public var notes: [Note] = []
    public var error: CaptureError?

    public struct Note: Hashable, Sendable {
        public var frame: Int?
        public var message: String
    }

    /// nil when the capture has no TCP segment to or from `port` (so it is not an iSCSI capture).
    public static func analyze(_ raw: RawCaptureReader.Result, port: UInt16 = 3260) -> ISCSICaptureAnalysis? {
        guard TCPSegmentParser.linkTypes.contains(raw.linkType) else { return nil }
        var a = ISCSICaptureAnalysis(linkType: raw.linkType, linkTypeName: raw.linkTypeName, port: port, error: raw.error)
        struct Stream {
            var reassembler = TCPReassembler()
            var decoder = ISCSIPDUDecoder()
            var broken = false
        }
        var connectionIndex: [[TCPEndpoint]: Int] = [:]
        var streams: [Int: [ISCSIDirection: Stream]] = [:]
        var sawPort = false
        for record in raw.records {
            guard case .success(let seg) = TCPSegmentParser.parse(record, linkType: raw.linkType) else { continue }
            let direction: ISCSIDirection
            let key: [TCPEndpoint]
            if seg.destination.port == port {
                direction = .initiatorToTarget
                key = [seg.source, seg.destination]
            } else if seg.source.port == port {
                direction = .targetToInitiator
                key = [seg.destination, seg.source]
            } else {
                continue
            }
            sawPort = true
            if !record.isComplete { a.notes.append(Note(frame: record.frameNumber, message: "frame \(record.frameNumber) cut short by the snap length")) }
            let number: Int
            if let n = connectionIndex[key] {
                number = n
            } else {
                number = a.connections.count + 1
                connectionIndex[key] = number
                a.connections.append(CapturedConnection(number: number, initiator: key[0], target: key[1]))
            }
            var stream = streams[number, default: [:]][direction, default: Stream()]
            let bytes = stream.reassembler.add(seg)
            if !stream.broken && !bytes.isEmpty {
                stream.decoder.append(bytes)
                do {
                    while let pdu = try stream.decoder.next() {
                        var captured = CapturedPDU(connection: number, frameNumber: seg.frameNumber, timestamp: seg.timestamp,
                                                   direction: direction, opcode: pdu.opcodeValue)
                        if pdu.opcode == .loginRequest || pdu.opcode == .loginResponse {
                            do { captured.login = try ISCSILoginPDU(pdu) } catch { captured.problem = error.reason }
                        }
                        a.pdus.append(captured)
                    }
                } catch {
                    stream.broken = true
                    a.notes.append(Note(frame: seg.frameNumber, message: "connection \(number) \(direction.rawValue): \(error.reason); rest of the stream not decoded"))
                }
            }
            streams[number, default: [:]][direction] = stream
        }
        guard sawPort else { return nil }
        a.exchanges = chapExchanges(a.pdus)
        return a
    }

    /// Pairs challenges with responses per connection, in PDU order.
    static func chapExchanges(_ pdus: [CapturedPDU]) -> [CapturedCHAPExchange] {
        var out: [CapturedCHAPExchange] = []
        var byConnection: [Int: [CapturedPDU]] = [:]
        for p in pdus where p.login != nil { byConnection[p.connection, default: []].append(p) }
        for connection in byConnection.keys.sorted() {
            let list = byConnection[connection]!
            var targetName: String?
            var initiatorCHAPName: String?
            var algorithm: String?
            var open: CapturedCHAPExchange?       // target -> initiator challenge waiting for CHAP_R
            var awaitingVerdict: Int?             // index in out of the exchange whose verdict is next
            var mutualOpen: CapturedCHAPExchange? // initiator -> target challenge
            for p in list {
                let keys = p.login!.keys
                if let t = keys[key: "TargetName"] { targetName = t }
                if let a = keys[key: "CHAP_A"], p.direction == .targetToInitiator { algorithm = a }
                switch p.direction {
                case .targetToInitiator:
                    if let i = awaitingVerdict {
                        let r = p.login!
                        out[i].outcome = r.statusClass == 0 ? "accepted by the target"
                            : "refused by the target: " + ISCSILoginStatus.describe(statusClass: r.statusClass, statusDetail: r.statusDetail)
                        awaitingVerdict = nil
                    }
                    if let c = keys[key: "CHAP_C"] {
                        var e = CapturedCHAPExchange(connection: connection, who: .targetChallengedInitiator)
                        e.algorithmNumber = algorithm
                        e.algorithm = algorithm.flatMap(UInt8.init).flatMap(ISCSIChapAlgorithm.init(rawValue:))
                        e.challengerName = targetName
                        e.challengeFrame = p.frameNumber
                        fill(&e, identifier: keys[key: "CHAP_I"], challenge: c)
                        open = e
                    }
                    if let n = keys[key: "CHAP_N"], var m = mutualOpen {
                        m.responderName = n
                        m.responseFrame = p.frameNumber
                        fillResponse(&m, keys[key: "CHAP_R"])
                        out.append(m)
                        mutualOpen = nil
                    }
                case .initiatorToTarget:
                    if let n = keys[key: "CHAP_N"], var e = open {
                        initiatorCHAPName = n
                        e.responderName = n
                        e.responseFrame = p.frameNumber
                        fillResponse(&e, keys[key: "CHAP_R"])
                        out.append(e)
                        awaitingVerdict = out.count - 1
                        open = nil
                    }
                    if let c = keys[key: "CHAP_C"] {
                        var m = CapturedCHAPExchange(connection: connection, who: .initiatorChallengedTarget)
                        m.algorithmNumber = algorithm
                        m.algorithm = algorithm.flatMap(UInt8.init).flatMap(ISCSIChapAlgorithm.init(rawValue:))
                        m.challengerName = initiatorCHAPName
                        m.challengeFrame = p.frameNumber
                        fill(&m, identifier: keys[key: "CHAP_I"], challenge: c)
                        mutualOpen = m
                    }
                }
            }
            if let e = open { out.append(e) }
            if let m = mutualOpen { out.append(m) }
        }
        return out
    }

    static func fill(_ e: inout CapturedCHAPExchange, identifier: String?, challenge: String) {
        do {
            e.challenge = try ISCSIBinaryValue.decode(challenge, key: "CHAP_C")
            if let i = identifier { e.identifier = try ISCSIChapInitiator.parseIdentifier(i) } else { e.problem = "no CHAP_I" }
        } catch {
            e.problem = error.reason
        }
    }

    static func fillResponse(_ e: inout CapturedCHAPExchange, _ r: String?) {
        guard let r else { e.problem = "CHAP_N without CHAP_R"; return }
        do { e.response = try ISCSIBinaryValue.decode(r, key: "CHAP_R") } catch { e.problem = error.reason }
    }
}

/// The result of checking one captured CHAP_R against a chap-secrets store.
public enum CapturedCHAPVerdict: Hashable, Sendable {
    case valid
    case wrongSecret
    case noSecret(client: String, server: String)
    case notChecked(String)

    public var text: String {
        switch self {
        case .valid: return "valid"
        case .wrongSecret: return "WRONG SECRET"
        case .noSecret(let c, let s): return "no secret for (\"\(c)\", \"\(s)\")"
        case .notChecked(let why): return "not checked: \(why)"
        }
    }

    /// Looks the secret up as (client = the responder's CHAP_N, server = the challenger: the
    /// TargetName for the initiator's answer, the initiator's CHAP_N for the target's), as
    /// chapd does for PPP, and recomputes the response with the exchange's algorithm.
    public static func check(_ e: CapturedCHAPExchange, _ store: some SecretLookup) -> CapturedCHAPVerdict {
        if let problem = e.problem { return .notChecked(problem) }
        guard let response = e.response, let responder = e.responderName else { return .notChecked("no CHAP_R") }
        guard let challenge = e.challenge, let identifier = e.identifier else { return .notChecked("no challenge seen") }
        guard let algorithm = e.algorithm else { return .notChecked("algorithm \(e.algorithmNumber ?? "?") unknown") }
        if let why = algorithm.unavailableReason { return .notChecked(why) }
        guard let digest = CHAPDigestRegistry.iscsi.digest(algorithm: algorithm.rawValue) else { return .notChecked("\(algorithm) not available") }
        let server = e.challengerName ?? ""
        guard let match = store.lookup(client: Array(responder.utf8), server: Array(server.utf8)) else {
            return .noSecret(client: responder, server: server)
        }
        guard response.count == digest.responseLength else {
            return .notChecked("\(response.count)-octet CHAP_R is not \(algorithm.name)")
        }
        return digest.verify(response: response, identifier: identifier, secret: match.secret, challenge: challenge) ? .valid : .wrongSecret
    }
}
