namespace AgentConductor.Proto.Grpc;

/// <summary>The gRPC status codes (values are the wire values of <c>grpc-status</c>).</summary>
public enum StatusCode
{
    /// <summary>Not an error.</summary>
    OK = 0,

    /// <summary>The operation was cancelled, typically by the caller.</summary>
    Cancelled = 1,

    /// <summary>Unknown error, e.g. a status from another error space or an unmapped HTTP status.</summary>
    Unknown = 2,

    /// <summary>The client specified an invalid argument.</summary>
    InvalidArgument = 3,

    /// <summary>The deadline expired before the operation could complete.</summary>
    DeadlineExceeded = 4,

    /// <summary>A requested entity was not found.</summary>
    NotFound = 5,

    /// <summary>The entity the client tried to create already exists.</summary>
    AlreadyExists = 6,

    /// <summary>The caller is not allowed to execute the operation.</summary>
    PermissionDenied = 7,

    /// <summary>A resource has been exhausted, e.g. a message is larger than the configured maximum.</summary>
    ResourceExhausted = 8,

    /// <summary>The system is not in a state required for the operation.</summary>
    FailedPrecondition = 9,

    /// <summary>The operation was aborted, typically due to a concurrency issue.</summary>
    Aborted = 10,

    /// <summary>The operation was attempted past the valid range.</summary>
    OutOfRange = 11,

    /// <summary>The operation is not implemented or not supported (unknown method, unsupported encoding).</summary>
    Unimplemented = 12,

    /// <summary>An internal error: an invariant of the system or the protocol was broken.</summary>
    Internal = 13,

    /// <summary>The service is currently unavailable; retrying may help.</summary>
    Unavailable = 14,

    /// <summary>Unrecoverable data loss or corruption.</summary>
    DataLoss = 15,

    /// <summary>The request does not have valid authentication credentials.</summary>
    Unauthenticated = 16,
}
