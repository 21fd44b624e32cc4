package io.guidon.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** One clear line for a file a command cannot read, instead of an exception's stack trace. */
final class FileErrors {

    private FileErrors() {
    }

    /** {@code cannot read FILE: no such file} (or: is a directory, permission denied, the system's reason). */
    static String cannotRead(Path file, IOException e) {
        String why;
        if (e instanceof NoSuchFileException) {
            why = "no such file";
        } else if (Files.isDirectory(file)) {
            why = "it is a directory, not a file";
        } else if (e instanceof AccessDeniedException) {
            why = "permission denied";
        } else if (e instanceof FileSystemException fse && fse.getReason() != null) {
            why = fse.getReason();
        } else {
            why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        return "cannot read " + file + ": " + why;
    }
}
