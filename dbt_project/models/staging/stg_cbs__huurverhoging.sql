-- 83162NED: the average rent increase of 1 July, with and without rent harmonisation, %.
{{ cbs_staged() }}
