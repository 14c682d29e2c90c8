mod glue;
