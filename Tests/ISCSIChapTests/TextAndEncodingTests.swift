import Testing
import ISCSIChap

private func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

@Suite struct TextKeyTests {
    @Test func decodesPairsInOrder() throws {
        let pairs = try ISCSIText.decode(bytes("CHAP_A=5\u{0}CHAP_I=7\u{0}"))
        #expect(pairs == [ISCSITextPair("CHAP_A", "5"), ISCSITextPair("CHAP_I", "7")])
    }

    @Test func paddingZerosAreSkipped() throws {
        let pairs = try ISCSIText.decode(bytes("AuthMethod=CHAP\u{0}\u{0}\u{0}\u{0}"))
        #expect(pairs == [ISCSITextPair("AuthMethod", "CHAP")])
    }

    @Test func lastPairWithoutNULIsAccepted() throws {
        #expect(try ISCSIText.decode(bytes("A=1\u{0}B=2")) == [ISCSITextPair("A", "1"), ISCSITextPair("B", "2")])
    }

    @Test func valueMayContainEquals() throws {
        #expect(try ISCSIText.decode(bytes("CHAP_C=0bYQ==\u{0}")) == [ISCSITextPair("CHAP_C", "0bYQ==")])
    }

    @Test func emptyValueIsKept() throws {
        #expect(try ISCSIText.decode(bytes("CHAP_N=\u{0}")) == [ISCSITextPair("CHAP_N", "")])
    }

    @Test func entryWithoutEqualsFails() {
        #expect(throws: ISCSIChapFailure(.malformedText, "text entry without '=' (6 octets)")) {
            try ISCSIText.decode(bytes("CHAP_A\u{0}"))
        }
    }

    @Test func emptyKeyFails() {
        #expect(throws: ISCSIChapFailure(.malformedText, "text entry with an empty key")) {
            try ISCSIText.decode(bytes("=5\u{0}"))
        }
    }

    @Test func duplicateKeyFails() {
        #expect(throws: ISCSIChapFailure(.malformedText, "key CHAP_A appears twice")) {
            try ISCSIText.decode(bytes("CHAP_A=5\u{0}CHAP_A=7\u{0}"))
        }
    }

    @Test func keyOutsideAlphabetFails() {
        #expect(throws: ISCSIChapFailure(.malformedText, "key with a character outside RFC 7143's key alphabet")) {
            try ISCSIText.decode(bytes("CHAP A=5\u{0}"))
        }
    }

    @Test func keyLongerThan63Fails() {
        let key = String(repeating: "K", count: 64)
        #expect(throws: ISCSIChapFailure(.malformedText, "key of 64 characters (at most 63)")) {
            try ISCSIText.decode(bytes("\(key)=1\u{0}"))
        }
    }

    @Test func key63IsAccepted() throws {
        let key = String(repeating: "K", count: 63)
        #expect(try ISCSIText.decode(bytes("\(key)=1\u{0}")) == [ISCSITextPair(key, "1")])
    }

    @Test func nonUTF8ValueFails() {
        #expect(throws: ISCSIChapFailure(.malformedText, "value of CHAP_N is not UTF-8")) {
            try ISCSIText.decode(bytes("CHAP_N=") + [0xff, 0xfe, 0])
        }
    }

    @Test func overlongValueFails() {
        let value = String(repeating: "a", count: 8193)
        #expect(throws: ISCSIChapFailure(.malformedText, "value of CHAP_C is 8193 octets (at most 8192)")) {
            try ISCSIText.decode(bytes("CHAP_C=\(value)\u{0}"))
        }
    }

    @Test func encodeEndsEachPairWithNUL() {
        #expect(ISCSIText.encode([ISCSITextPair("A", "1"), ISCSITextPair("B", "x")]) == bytes("A=1\u{0}B=x\u{0}"))
    }
}

@Suite struct BinaryValueTests {
    @Test func hexLowerCase() throws {
        #expect(try ISCSIBinaryValue.decode("0x0aff", key: "CHAP_C") == [0x0a, 0xff])
    }

    @Test func hexUpperCasePrefixAndDigits() throws {
        #expect(try ISCSIBinaryValue.decode("0XABCD", key: "CHAP_C") == [0xab, 0xcd])
    }

    @Test func hexOddDigitCountHasImpliedLeadingZero() throws {
        #expect(try ISCSIBinaryValue.decode("0x123", key: "CHAP_C") == [0x01, 0x23])
    }

    @Test func hexWithoutDigitsFails() {
        #expect(throws: ISCSIChapFailure(.malformedValue, "CHAP_C has no hex digits or a character that is not one")) {
            try ISCSIBinaryValue.decode("0x", key: "CHAP_C")
        }
    }

    @Test func hexWithNonHexCharacterFails() {
        #expect(throws: ISCSIChapFailure(.malformedValue, "CHAP_R has no hex digits or a character that is not one")) {
            try ISCSIBinaryValue.decode("0x12g4", key: "CHAP_R")
        }
    }

    @Test func base64DecodesAbc() throws {
        #expect(try ISCSIBinaryValue.decode("0bYWJj", key: "CHAP_R") == bytes("abc"))
    }

    @Test func base64UpperCasePrefixWithTwoPads() throws {
        #expect(try ISCSIBinaryValue.decode("0BYQ==", key: "CHAP_R") == bytes("a"))
    }

    @Test func base64OnePad() throws {
        #expect(try ISCSIBinaryValue.decode("0bYWI=", key: "CHAP_R") == bytes("ab"))
    }

    @Test func base64LengthNotMultipleOfFourFails() {
        #expect(throws: ISCSIChapFailure(.malformedValue, "CHAP_R is not valid base64 (length a multiple of 4, '=' only at the end)")) {
            try ISCSIBinaryValue.decode("0bYWJ", key: "CHAP_R")
        }
    }

    @Test func base64PadInTheMiddleFails() {
        #expect(throws: ISCSIChapFailure(.malformedValue, "CHAP_R is not valid base64 (length a multiple of 4, '=' only at the end)")) {
            try ISCSIBinaryValue.decode("0bYQ==YWJj", key: "CHAP_R")
        }
    }

    @Test func base64ThreePadsFails() {
        #expect(throws: ISCSIChapFailure(.malformedValue, "CHAP_R is not valid base64 (length a multiple of 4, '=' only at the end)")) {
            try ISCSIBinaryValue.decode("0bY===", key: "CHAP_R")
        }
    }

    @Test func base64EmptyFails() {
        #expect(throws: ISCSIChapFailure(.malformedValue, "CHAP_R is not valid base64 (length a multiple of 4, '=' only at the end)")) {
            try ISCSIBinaryValue.decode("0b", key: "CHAP_R")
        }
    }

    @Test func decimalIsNotABinaryValue() {
        #expect(throws: ISCSIChapFailure(.malformedValue, "CHAP_C is not a binary value (expected 0x… hex or 0b… base64)")) {
            try ISCSIBinaryValue.decode("1234", key: "CHAP_C")
        }
    }

    @Test func unknownPrefixFails() {
        #expect(throws: ISCSIChapFailure(.malformedValue, "CHAP_C is not a binary value (expected 0x… hex or 0b… base64)")) {
            try ISCSIBinaryValue.decode("0z12", key: "CHAP_C")
        }
    }

    @Test func encodeHexIsLowerCaseWithPrefix() {
        #expect(ISCSIBinaryValue.encodeHex([0x00, 0xab, 0x0f]) == "0x00ab0f")
    }

    @Test func encodeBase64RoundTrips() throws {
        let value: [UInt8] = [0, 1, 2, 3, 250, 251, 252]
        #expect(try ISCSIBinaryValue.decode(ISCSIBinaryValue.encodeBase64(value), key: "X") == value)
    }

    @Test func encodeBase64OfAbc() {
        #expect(ISCSIBinaryValue.encodeBase64(bytes("abc")) == "0bYWJj")
    }
}

@Suite struct IdentifierTests {
    @Test func zero() throws { #expect(try ISCSIChapInitiator.parseIdentifier("0") == 0) }
    @Test func twoFiftyFive() throws { #expect(try ISCSIChapInitiator.parseIdentifier("255") == 255) }
    @Test func hexForm() throws { #expect(try ISCSIChapInitiator.parseIdentifier("0x1f") == 31) }

    @Test func twoFiftySixIsOutOfRange() {
        #expect(throws: ISCSIChapFailure(.malformedValue, "CHAP_I 256 is out of range (0–255)")) {
            try ISCSIChapInitiator.parseIdentifier("256")
        }
    }

    @Test func negativeIsNotANumber() {
        #expect(throws: ISCSIChapFailure(.malformedValue, "CHAP_I \"-1\" is not a number")) {
            try ISCSIChapInitiator.parseIdentifier("-1")
        }
    }

    @Test func plusSignIsNotANumber() {
        #expect(throws: ISCSIChapFailure(.malformedValue, "CHAP_I \"+5\" is not a number")) {
            try ISCSIChapInitiator.parseIdentifier("+5")
        }
    }

    @Test func emptyIsNotANumber() {
        #expect(throws: ISCSIChapFailure(.malformedValue, "CHAP_I \"\" is not a number")) {
            try ISCSIChapInitiator.parseIdentifier("")
        }
    }
}
