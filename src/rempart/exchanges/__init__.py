"""Signal exchanges: hash lists fetched into banks with python-threatexchange's
``SignalExchangeAPI`` implementations (``fetch``), and Rempart's own for another instance
(``peer``)."""
