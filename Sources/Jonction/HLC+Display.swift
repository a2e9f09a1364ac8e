extension HLC {
    /// « 25/11/2026 à 11:41 UTC »
    public var frenchDate: String {
        let iso = HLC.iso8601(millis: millis)
        let d = iso.split(separator: "T")
        let ymd = d[0].split(separator: "-")
        return "\(ymd[2])/\(ymd[1])/\(ymd[0]) à \(d[1].prefix(5)) UTC"
    }

    /// « 2026-11-25 11:41 UTC »
    public var englishDate: String {
        let iso = HLC.iso8601(millis: millis)
        return iso.prefix(10) + " " + iso.dropFirst(11).prefix(5) + " UTC"
    }
}
