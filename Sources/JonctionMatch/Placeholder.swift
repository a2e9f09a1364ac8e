// The matching module; its solver and scoring land in this folder.
