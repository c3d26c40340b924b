import PPPPackets

/// One CHAP exchange seen in a capture: a Challenge, the Response to it and the verdict.
/// Exchanges are keyed by (direction of the Challenge, identifier); a Response travels the
/// other way, Success/Failure the same way as the Challenge. Any part may be missing.
public struct CHAPExchange: Hashable, Sendable {
    public enum Outcome: String, Hashable, Sendable {
        case success, failure, none
    }

    /// Direction of the Challenge as recorded (nil when the capture has no directions).
    public var challengeDirection: CaptureDirection?
    public var identifier: UInt8

    public var challengeFrame: Int?
    public var challengeTime: CaptureTimestamp?
    public var challengerName: [UInt8]?
    public var challengeValue: [UInt8]?
    /// Further Challenges with the same identifier before any Response (pppd's retransmissions).
    public var challengeRetransmissions = 0

    public var responseFrame: Int?
    public var responseTime: CaptureTimestamp?
    public var responderName: [UInt8]?
    public var responseValue: [UInt8]?
    public var responseRetransmissions = 0

    public var outcome: Outcome = .none
    public var outcomeFrame: Int?
    public var outcomeTime: CaptureTimestamp?
    public var message: [UInt8]?
    /// Success/Failure repeated (pppd answers a retransmitted Response again).
    public var outcomeRepeats = 0

    public init(challengeDirection: CaptureDirection?, identifier: UInt8) {
        self.challengeDirection = challengeDirection
        self.identifier = identifier
    }

    /// Challenge → Response, in microseconds.
    public var challengeToResponseMicroseconds: Int64? {
        guard let a = challengeTime, let b = responseTime else { return nil }
        return b.totalMicroseconds - a.totalMicroseconds
    }

    /// Response → Success/Failure, in microseconds.
    public var responseToOutcomeMicroseconds: Int64? {
        guard let a = responseTime, let b = outcomeTime else { return nil }
        return b.totalMicroseconds - a.totalMicroseconds
    }

    /// Frame of the first packet of this exchange, for ordering.
    var firstFrame: Int { challengeFrame ?? responseFrame ?? outcomeFrame ?? 0 }
}

/// CHAP packets that could not be parsed, reported alongside the exchanges.
public struct CHAPAnalysis: Hashable, Sendable {
    public var exchanges: [CHAPExchange]
    /// (frame number, why) for CHAP frames that are malformed.
    public var malformed: [SkippedRecord]
}

extension CHAPExchange {
    /// Groups the CHAP frames of a capture into exchanges, in order of first appearance.
    public static func analyze(_ records: [CaptureRecord]) -> CHAPAnalysis {
        var exchanges: [CHAPExchange] = []
        var open: [Key: Int] = [:]  // key -> index of the latest exchange with that key
        var malformed: [SkippedRecord] = []

        for record in records where record.protocolNumber == PPPProtocol.chap.rawValue {
            let packet: CHAPPacket
            do {
                packet = try CHAPPacket(parsing: record.information)
            } catch {
                malformed.append(SkippedRecord(frameNumber: record.frameNumber, reason: "CHAP: \(error.message)"))
                continue
            }
            let direction = record.direction
            switch packet {
            case .challenge(let id, let value, let name):
                let key = Key(direction: direction, identifier: id)
                if let i = open[key], exchanges[i].responseFrame == nil, exchanges[i].outcomeFrame == nil,
                   exchanges[i].challengeValue == value {
                    exchanges[i].challengeRetransmissions += 1
                    continue
                }
                var e = CHAPExchange(challengeDirection: direction, identifier: id)
                e.challengeFrame = record.frameNumber
                e.challengeTime = record.timestamp
                e.challengerName = name
                e.challengeValue = value
                open[key] = exchanges.count
                exchanges.append(e)
            case .response(let id, let value, let name):
                let key = Key(direction: direction.map(\.opposite), identifier: id)
                let i: Int
                if let existing = open[key], exchanges[existing].outcomeFrame == nil {
                    i = existing
                } else {
                    // A Response with no open Challenge: keep it as its own exchange.
                    i = exchanges.count
                    open[key] = i
                    exchanges.append(CHAPExchange(challengeDirection: key.direction, identifier: id))
                }
                if exchanges[i].responseFrame != nil {
                    exchanges[i].responseRetransmissions += 1
                    continue
                }
                exchanges[i].responseFrame = record.frameNumber
                exchanges[i].responseTime = record.timestamp
                exchanges[i].responderName = name
                exchanges[i].responseValue = value
            case .success(let id, let message), .failure(let id, let message):
                let key = Key(direction: direction, identifier: id)
                let outcome: Outcome
                if case .success = packet { outcome = .success } else { outcome = .failure }
                let i: Int
                if let existing = open[key] {
                    i = existing
                } else {
                    i = exchanges.count
                    open[key] = i
                    exchanges.append(CHAPExchange(challengeDirection: direction, identifier: id))
                }
                if exchanges[i].outcomeFrame != nil {
                    exchanges[i].outcomeRepeats += 1
                    continue
                }
                exchanges[i].outcome = outcome
                exchanges[i].outcomeFrame = record.frameNumber
                exchanges[i].outcomeTime = record.timestamp
                exchanges[i].message = message
            }
        }
        return CHAPAnalysis(exchanges: exchanges, malformed: malformed)
    }

    struct Key: Hashable {
        var direction: CaptureDirection?
        var identifier: UInt8
    }
}

extension CaptureDirection {
    public var opposite: CaptureDirection { self == .sent ? .received : .sent }
}
