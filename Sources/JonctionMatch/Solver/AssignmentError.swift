import Jonction

/// Why an assignment problem is refused: bad arrays from the caller or a malformed instance file.
public enum AssignmentError: Error, Sendable, Equatable {
    case arcArraysDiffer(Int, Int, Int)
    case negativeCapacity(opportunity: Int)
    case invalidArc(index: Int, candidate: Int, opportunity: Int, score: Int)
    case tooLarge(String)
    /// A line of an instance file that does not follow the format (see `AssignmentProblem+Parsing`).
    case malformed(line: Int, reason: String)
    case unreadable(path: String, reason: String)
    /// ``AssignmentProblem/check(_:)`` found a broken solution (a bug, never user input).
    case infeasible(String)
}

extension AssignmentError: UserFacingError {
    public func message(_ lang: Lang) -> String {
        switch self {
        case .arcArraysDiffer(let a, let b, let c):
            return lang.pick("Tableaux d’arcs de longueurs différentes (\(a), \(b), \(c)).",
                             "Arc arrays of different lengths (\(a), \(b), \(c)).")
        case .negativeCapacity(let j):
            return lang.pick("Nombre de places négatif pour l’offre \(j).", "Negative number of places for opportunity \(j).")
        case .invalidArc(let index, let i, let j, let s):
            return lang.pick(
                "Arc \(index) invalide (candidat \(i), offre \(j), score \(s)) : indices hors limites ou score hors de 0…\(AssignmentProblem.maxScore).",
                "Invalid arc \(index) (candidate \(i), opportunity \(j), score \(s)): index out of range or score outside 0…\(AssignmentProblem.maxScore).")
        case .tooLarge(let what):
            return lang.pick("Trop de \(what) pour le solveur (au plus 2³¹−1).", "Too many \(what) for the solver (at most 2³¹−1).")
        case .malformed(let line, let reason):
            return lang.pick("Fichier d’instance mal formé, ligne \(line) : \(reason).", "Malformed instance file, line \(line): \(reason).")
        case .unreadable(let path, let reason):
            return lang.pick("Impossible de lire \(path) : \(reason).", "Cannot read \(path): \(reason).")
        case .infeasible(let reason):
            return lang.pick("Affectation invalide : \(reason).", "Invalid assignment: \(reason).")
        }
    }
}
