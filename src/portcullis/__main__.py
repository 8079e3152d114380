from portcullis.cli import main

main()
