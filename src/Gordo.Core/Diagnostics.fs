namespace Gordo.Core

/// Placeholder.
module Diagnostics =
    /// x
    let x = 1
