import Foundation
import Testing
@testable import ChapdControl

private let rows = [
    SessionRow(id: 1, line: "ttyS0", peer: "alice", phase: "network", uptimeSeconds: 93784.9,
               localAddress: "10.0.0.1", remoteAddress: "10.9.0.2", interface: "chapd0",
               octetsIn: 123456, octetsOut: 7890, packetsIn: 321, packetsOut: 45),
    SessionRow(id: 12, line: "tcp 127.0.0.1:40112", peer: "", phase: "authenticate", uptimeSeconds: 184),
]

@Suite struct SessionsTableTests {
    @Test func allColumnsByDefault() {
        #expect(ControlText.sessionsTable(rows) == """
            ID  LINE                 PEER   PHASE              UPTIME  LOCAL     REMOTE    IFNAME  OCTETS-IN  OCTETS-OUT  PACKETS-IN  PACKETS-OUT
             1  ttyS0                alice  network       1d02h03m04s  10.0.0.1  10.9.0.2  chapd0     123456        7890         321           45
            12  tcp 127.0.0.1:40112  -      authenticate        3m04s  -         -         -               0           0           0            0

            """)
    }

    @Test func chosenColumnsInTheGivenOrder() throws {
        let columns = try ControlText.columns("peer,id, uptime")
        #expect(columns == [.peer, .id, .uptime])
        #expect(ControlText.sessionsTable(rows, columns: columns) == """
            PEER   ID       UPTIME
            alice   1  1d02h03m04s
            -      12        3m04s

            """)
    }

    @Test func noSessionsIsTheHeaderAlone() {
        #expect(ControlText.sessionsTable([], columns: [.id, .peer]) == "ID  PEER\n")
    }

    @Test func unknownColumnListsTheValidNames() {
        #expect(throws: ColumnListError(description: "unknown column 'bytes'; valid columns: id, line, peer, phase, uptime, local, remote, ifname, octets-in, octets-out, packets-in, packets-out, acct-session-id")) {
            try ControlText.columns("id,bytes")
        }
        #expect(throws: ColumnListError(description: "--columns needs comma-separated column names; valid columns: id, line, peer, phase, uptime, local, remote, ifname, octets-in, octets-out, packets-in, packets-out, acct-session-id")) {
            try ControlText.columns("id,,peer")
        }
    }

    @Test(arguments: [(0.0, "0s"), (4.99, "4s"), (59, "59s"), (60, "1m00s"), (184, "3m04s"), (3600, "1h00m00s"),
                      (7384, "2h03m04s"), (86400, "1d00h00m00s"), (93784, "1d02h03m04s"), (-3, "0s"),
                      (Double.nan, "0s")])
    func duration(_ seconds: Double, _ text: String) {
        #expect(ControlText.duration(seconds) == text)
    }
}

@Suite struct StatTextTests {
    @Test func statIsOneAlignedLinePerCounter() {
        let stat = ServerStat(uptimeSeconds: 3725, linksByPhase: ["network": 2, "authenticate": 1], linksTotal: 120,
                              handshakesOK: 100, handshakesFailed: ["wrong-response": 5, "no-secret": 2, "timeout": 0],
                              framesDropped: [:], connectionsRefused: ["rate": 3, "max-links": 1],
                              secretsReloads: 2, poolFree: 250)
        #expect(ControlText.stat(stat) == """
            uptime               1h02m05s
            links                3 (authenticate 1, network 2)
            links total          120
            handshakes ok        100
            handshakes failed    7 (no-secret 2, wrong-response 5)
            frames dropped       0
            connections refused  4 (max-links 1, rate 3)
            secrets reloads      2
            pool free            250

            """)
    }

    @Test func totalsPastIntMaxSaturate() {
        // Found by FuzzControl: the sum of a reason's counts overflowed and trapped.
        let stat = ServerStat(uptimeSeconds: 1, linksByPhase: ["network": Int.max, "dead": 1], linksTotal: 0, handshakesOK: 0,
                              handshakesFailed: ["timeout": Int.min, "no-secret": -1], framesDropped: [:],
                              connectionsRefused: [:], secretsReloads: 0, poolFree: nil)
        let lines = ControlText.stat(stat).split(separator: "\n")
        #expect(lines[1] == "links                \(Int.max) (dead 1, network \(Int.max))")
        #expect(lines[4] == "handshakes failed    \(Int.min) (no-secret -1, timeout \(Int.min))")
    }

    @Test func noPoolSaysSo() {
        let stat = ServerStat(uptimeSeconds: 1, linksByPhase: [:], linksTotal: 0, handshakesOK: 0, handshakesFailed: [:],
                              framesDropped: [:], connectionsRefused: [:], secretsReloads: 0, poolFree: nil)
        #expect(ControlText.stat(stat).hasSuffix("pool free            no pool\n"))
    }

    @Test func terminatedText() {
        #expect(ControlText.terminated([]) == "no links terminated\n")
        #expect(ControlText.terminated([4]) == "terminating link 4\n")
        #expect(ControlText.terminated([4, 9]) == "terminating 2 links: 4 9\n")
    }
}

@Suite struct RequestAndJSONTests {
    @Test(arguments: [ControlRequest.showSessions, .showStat, .reload, .terminate(.id(3)), .terminate(.peer("alice")),
                      .terminate(.all)])
    func requestIsOneLineThatDecodesBack(_ request: ControlRequest) throws {
        let line = try request.encodedLine()
        #expect(line.last == 0x0A)
        #expect(line.dropLast().contains(0x0A) == false)
        #expect(line.count <= ControlProtocol.maxRequestLength)
        #expect(try JSONDecoder().decode(ControlRequest.self, from: Data(line)) == request)
    }

    @Test func requestEncodingIsStable() throws {
        #expect(String(decoding: try ControlRequest.terminate(.peer("alice")).encodedLine(), as: UTF8.self)
                == "{\"terminate\":{\"_0\":{\"peer\":{\"_0\":\"alice\"}}}}\n")
        #expect(String(decoding: try ControlRequest.showStat.encodedLine(), as: UTF8.self) == "{\"showStat\":{}}\n")
    }

    @Test func jsonPayloadIsPrettyWithSortedKeys() throws {
        let row = SessionRow(id: 2, line: "unix", peer: "bob", phase: "establish", uptimeSeconds: 1.5)
        #expect(try ControlText.json([row]) == """
            [
              {
                "id" : 2,
                "line" : "unix",
                "octetsIn" : 0,
                "octetsOut" : 0,
                "packetsIn" : 0,
                "packetsOut" : 0,
                "peer" : "bob",
                "phase" : "establish",
                "uptimeSeconds" : 1.5
              }
            ]

            """)
    }
}

@Suite("hostile names in the sessions table")
struct HostileNameTests {
    @Test func controlCharactersInAPeerNameAreShownAsQuestionMarks() {
        let row = SessionRow(id: 1, line: "tcp 127.0.0.1:1", peer: "ev\u{1b}[2Jil\r", phase: "network", uptimeSeconds: 1)
        let table = ControlText.sessionsTable([row], columns: [.peer])
        #expect(table == "PEER\nev?[2Jil?\n")
    }
}
