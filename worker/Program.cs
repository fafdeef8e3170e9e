// The worker binary grows in the worker issue; for now it only states what it is.
Console.Error.WriteLine("agent-conductor worker: not yet implemented in this build");
return 1;
