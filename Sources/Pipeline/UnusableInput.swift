// Which failures of loading a file mean "this input file cannot be used" (corrupt, truncated, not the
// format, a model folder without its files): the recipe layer reports those like a missing file (exit 66).
import Foundation
import Formats
import Models

public enum UnusableInput {
    public static func describes(_ error: Error) -> Bool {
        switch error {
        case is FormatError, is DecodingError: return true
        case ModelError.config, ModelError.weights, CLIPError.invalidConfig, CLIPError.weightMismatch: return true
        default: return SystemErrorText.describe(error) != nil
        }
    }
}
