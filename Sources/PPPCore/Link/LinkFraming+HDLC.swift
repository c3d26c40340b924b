import PPPFraming

extension LinkFraming {
    /// What LCP agreed, applied to a line's codec: the encoder frames what we send, the
    /// decoder accepts what the peer may send.
    public func apply(to encoder: inout HDLCEncoder, and decoder: inout HDLCDecoder) {
        encoder.config.accm = sendACCM
        encoder.config.addressControlCompression = sendACFC
        encoder.config.protocolCompression = sendPFC
        decoder.config.accm = receiveACCM
        decoder.config.acceptAddressControlCompression = receiveACFC
        decoder.config.acceptProtocolCompression = receivePFC
        decoder.config.mru = receiveMRU
    }
}
