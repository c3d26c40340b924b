import Foundation

/// Where the recorded pppd 2.4.9 sessions are: `$CHAPD_VECTORS`, else `shared/vectors`
/// beside the package's clone (where developers and CI have it). Tests that use them fail,
/// never skip, when they are missing.
public enum SharedVectors {
    public static let root: String = {
        if let p = ProcessInfo.processInfo.environment["CHAPD_VECTORS"], !p.isEmpty { return p }
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.path != "/" {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
                return dir.deletingLastPathComponent().appendingPathComponent("shared/vectors").path
            }
            dir = dir.deletingLastPathComponent()
        }
        return "/work/shared/vectors"
    }()
}
