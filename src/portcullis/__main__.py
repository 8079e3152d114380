from portcullis.cli import main

# Guarded: worker processes (multiprocessing "spawn") import this module without running it.
if __name__ == "__main__":
    main()
