/// CHAP lines and secrets copied verbatim from the recorded pppd 2.4.9 sessions in
/// /work/shared/vectors/*/ (pppd-log.txt "sent [CHAP ...]" lines, chap-secrets), so the
/// tests run without that directory.
enum RecordedVectors {
    struct Session {
        var folder: String
        /// (client, server, secret) from chap-secrets.
        var secrets: [(client: String, server: String, secret: String)]
        /// A `password` option overriding the client's secret, if any.
        var clientPassword: String?
        var log: String
    }

    static let sessions: [Session] = [
        Session(
            folder: "two-way",
            secrets: [("alice", "server", "s3cret-alice"), ("server", "alice", "s3cret-server")],
            clientPassword: nil,
            log: """
                sent [CHAP Challenge id=0x43 <b70205819185aa9b4f4275dd261ba225ac93>, name = "alice"]
                sent [CHAP Challenge id=0xc6 <575ed88d684cbb88096768e8d9d953f81e>, name = "server"]
                sent [CHAP Response id=0x43 <1af6783175ecc746fabbbfa262094508>, name = "server"]
                sent [CHAP Response id=0xc6 <3b79f6770f7705a8f4f79c1fe6644282>, name = "alice"]
                """
        ),
        Session(
            folder: "wrong-secret",
            secrets: [("alice", "server", "right-secret")],
            clientPassword: "wrong-secret",
            log: """
                sent [CHAP Challenge id=0x9 <5abbf26ed7df5638a325d7ef1dd035e6473b838197609b>, name = "server"]
                sent [CHAP Response id=0x9 <7acf63bc6123128fa8c3b12b3b7ae9e1>, name = "alice"]
                """
        ),
        Session(
            folder: "rechallenge",
            secrets: [("alice", "server", "right-secret")],
            clientPassword: nil,
            log: """
                sent [CHAP Challenge id=0x3a <a5fc62c799522fc538e945676049127611da9fa7>, name = "server"]
                sent [CHAP Response id=0x3a <479fafdae4f534f0981c5a98f84463f2>, name = "alice"]
                sent [CHAP Challenge id=0x3b <edbf7cef5fd3c69844cdead36869ad87bb144d>, name = "server"]
                sent [CHAP Response id=0x3b <6b568945bebc09fc122ab1538a810d85>, name = "alice"]
                sent [CHAP Challenge id=0x3c <03a6562407699cf961c77c1d9654ae97>, name = "server"]
                sent [CHAP Response id=0x3c <648997d467577c1b69e92b87be4720d3>, name = "alice"]
                sent [CHAP Challenge id=0x3d <4f8e1a47350b672eb2c7382491d7cb3ec6494a16419f43>, name = "server"]
                sent [CHAP Response id=0x3d <04f5249eeb6a767d76777c9fa530c053>, name = "alice"]
                sent [CHAP Challenge id=0x3e <63db5540d2f17a8610eea75eba9c0973169abf>, name = "server"]
                sent [CHAP Response id=0x3e <8763bf320c0129161a5eb71bdb62e5ed>, name = "alice"]
                sent [CHAP Challenge id=0x3f <ddc14c59cd22d46b9dc7351e06af9d6dbec7a2571f0a>, name = "server"]
                sent [CHAP Response id=0x3f <b8abf05531cc4b22ec13f111a487d95d>, name = "alice"]
                sent [CHAP Challenge id=0x40 <e978cfcaefa520bd0a810ce7e6884f4b07>, name = "server"]
                sent [CHAP Response id=0x40 <6e01bb762f83accc8267f8378a0ea97c>, name = "alice"]
                sent [CHAP Challenge id=0x41 <ce31a757ab6c0c8ff66b37a276279bf56c>, name = "server"]
                sent [CHAP Response id=0x41 <412a0276fbbdbd8f5d614141f18517a5>, name = "alice"]
                sent [CHAP Challenge id=0x42 <403486e223a3ec3536df3e3f7efe7c033d>, name = "server"]
                sent [CHAP Response id=0x42 <a9e3e8b0a6876804aea556b44ff3bd40>, name = "alice"]
                """
        ),
    ]
}
