import Testing
@testable import ChapdConfig

@Suite struct DumpTests {
    @Test func dumpListsValuesAndSourcesAndHidesThePassword() throws {
        let o = try parse(["/dev/ttyS0", "38400", "name", "alice", "password", "hunter2", "file", "/f",
                           "10.0.0.1:", "auth"],
                          files: ["/f": "\nsuccess-message 'Hi there'\nmru 1400\n"])
        let text = o.dumpText
        #expect(text.hasPrefix("chapd options in effect:\n"))
        #expect(text.contains("name alice\t\t# (from command line)"))
        #expect(text.contains("success-message \"Hi there\"\t\t# (from /f:2)"))
        #expect(text.contains("mru 1400\t\t# (from /f:3)"))
        #expect(text.contains("<device> /dev/ttyS0"))
        #expect(text.contains("<speed> 38400"))
        #expect(text.contains("<local:remote> 10.0.0.1:"))
        #expect(text.contains("auth\t\t# (from command line)"))
        #expect(text.contains("password ??????"))
        #expect(!text.contains("hunter2"))
    }

    @Test func everyValueOptionHasADumpValue() throws {
        let samples = ["N": "200", "NAME": "x", "FILE": "/x", "ADDR": "1.2.3.4", "MAP": "1", "TEXT": "t",
                       "STRING": "s", "COMMAND": "c", "SCRIPT": "chat", "PASSWORD": "p", "LOCAL,REMOTE": "::1,::2",
                       "radius.so": "radius.so", "HOST:PORT": "127.0.0.1:3799"]
        for spec in OptionTable.supported {
            guard case .value = spec.action else { continue }
            let arg = try #require(samples[spec.argument], "\(spec.word) \(spec.argument)")
            let o = try parse([spec.word, arg])
            #expect(o.dumpValue(spec.word) != nil, "\(spec.word)")
        }
    }
}
